"""Paginators, written once for every connector.

A paginator turns "the request just sent and the page it returned" into the next request, or
None when the walk is over. All of them stop on an empty page and refuse a token they have seen
before (a server handing out the same token again would otherwise loop forever), except where
a source is known to repeat tokens by design (Crossref's scroll id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from harvester.errors import ProtocolError
from harvester.http import Request


@dataclass(frozen=True)
class Page:
    """One parsed response: its raw records and what the paginator needs to go on."""

    records: Sequence[Any]
    next_token: str | None = None
    total: int | None = None


@dataclass
class PagingState:
    """What a walk has seen so far; lives for one harvest of one source."""

    pages: int = 0
    seen: int = 0
    total: int | None = None
    tokens: set[str] = field(default_factory=set)

    def record(self, page: Page) -> None:
        self.pages += 1
        self.seen += len(page.records)
        if page.total is not None:
            self.total = page.total

    def remember(self, token: str) -> None:
        if token in self.tokens:
            raise ProtocolError(f"the server sent the same page token twice ({token[:40]!r})")
        self.tokens.add(token)

    def exhausted(self) -> bool:
        return self.total is not None and self.seen >= self.total


class Paginator(Protocol):
    def first(self, request: Request) -> Request: ...

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None: ...


def _with(request: Request, **params: str) -> Request:
    return replace(request, params={**request.params, **params})


@dataclass(frozen=True)
class SinglePage:
    def first(self, request: Request) -> Request:
        return request

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None:
        return None


@dataclass(frozen=True)
class CursorPaginator:
    """`cursor=*`, then the token from each page (Crossref, OpenAlex, Europe PMC).

    `start=None` sends no token at first (Semantic Scholar's bulk search hands one out).
    """

    param: str = "cursor"
    start: str | None = "*"
    # Crossref sends one scroll id for the whole walk; its end is the empty page.
    token_repeats: bool = False
    # Europe PMC's last page echoes the cursor it was sent instead of omitting it.
    echo_means_end: bool = False

    def first(self, request: Request) -> Request:
        return request if self.start is None else _with(request, **{self.param: self.start})

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None:
        token = page.next_token
        if not page.records or not token or state.exhausted():
            return None
        if self.echo_means_end and token == sent.params.get(self.param):
            return None
        if not self.token_repeats:
            state.remember(token)
        return _with(sent, **{self.param: token})


@dataclass(frozen=True)
class OffsetPaginator:
    """`start`/`retstart` offsets advanced by the records received (arXiv, PubMed, S2)."""

    param: str = "start"
    start: int = 0

    def first(self, request: Request) -> Request:
        return _with(request, **{self.param: str(self.start)})

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None:
        if not page.records or state.exhausted():
            return None
        offset = int(sent.params.get(self.param, self.start)) + len(page.records)
        return _with(sent, **{self.param: str(offset)})


@dataclass(frozen=True)
class PageNumberPaginator:
    param: str = "page"
    start: int = 1

    def first(self, request: Request) -> Request:
        return _with(request, **{self.param: str(self.start)})

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None:
        if not page.records or state.exhausted():
            return None
        number = int(sent.params.get(self.param, self.start)) + 1
        return _with(sent, **{self.param: str(number)})


@dataclass(frozen=True)
class TokenPaginator:
    """OAI-PMH resumption tokens: the token is an exclusive argument, sent only with `keep`."""

    param: str = "resumptionToken"
    keep: tuple[str, ...] = ("verb",)

    def first(self, request: Request) -> Request:
        return request

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None:
        token = page.next_token
        if not token:
            return None
        state.remember(token)
        kept = {k: v for k, v in sent.params.items() if k in self.keep}
        return replace(sent, params={**kept, self.param: token})


@dataclass(frozen=True)
class NextLinkPaginator:
    """The page names the full URL of the next one (DOAJ `next`, DataCite `links.next`).

    `start` adds parameters to the first request (DataCite's `page[cursor]=1` opens a cursor
    walk). With `same_endpoint` only the link's parameters are followed and the walk stays on
    the endpoint it began at: an API names its public host in the link even when harvester
    talks to a mirror or a replay server.
    """

    start: tuple[tuple[str, str], ...] = ()
    same_endpoint: bool = False

    def first(self, request: Request) -> Request:
        return _with(request, **dict(self.start))

    def follow(self, sent: Request, page: Page, state: PagingState) -> Request | None:
        link = page.next_token
        if not page.records or not link or state.exhausted():
            return None
        state.remember(link)
        if self.same_endpoint:
            return replace(sent, params=dict(parse_qsl(urlsplit(link).query)))
        return replace(sent, url=link, params={})
