"""The connector contract: a source described as data plus one pure mapping function.

A connector subclass declares where the API lives, how it pages, where records sit in a
response, how a query and a "since" date become parameters, and how one raw record becomes a
`Work`. The core does the rest (HTTP, retries, rate limits, state, storage). Two-step
protocols (PubMed's esearch then efetch) override `pages`, still fetching through the core.

Minimal example (see connectors/crossref.py for a real one)::

    class Example(JsonConnector):
        name = "example"
        base_url = "https://api.example.org"
        path = "/works"
        paginator = CursorPaginator()
        records_at = ("results",)
        token_at = ("meta", "next_cursor")
        dialect = EUROPE_PMC  # how the review's strategy is written for this API

        def source_id(self, raw): return raw["id"]
        def to_work(self, raw): return Work(self.name, raw["id"], title=raw["title"])
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, ClassVar

from harvester.errors import (
    FatalAPIError,
    ProtocolError,
    ResponseTooLargeError,
    RetriableAPIError,
    SkippableRecordError,
    UnexpectedResponseError,
)
from harvester.http import Request, Response, parse_retry_after
from harvester.json_depth import json_deeper
from harvester.json_records import JsonRecords, split_page
from harvester.json_text import former_json_payload, json_payload, parse_json
from harvester.pagination import Page, Paginator, PagingState, SinglePage
from harvester.query import Query, Translation
from harvester.query.dialects import Dialect
from harvester.work import Work
from harvester.xml import from_string, to_string

# The core hands a connector this to fetch and parse one request (retries included).
Fetch = Callable[[Request], Page]
# JSON nested deeper than this is refused: real API pages nest fewer than 15 levels, and every
# step after parsing (storing the payload, mapping) may walk a record by recursion.
MAX_JSON_DEPTH = 100


class Connector:
    """Base class of every source. Subclasses are declarations; instances are configured."""

    name: ClassVar[str]
    title: ClassVar[str] = ""
    base_url: ClassVar[str]
    path: ClassVar[str] = ""
    paginator: ClassVar[Paginator] = SinglePage()
    page_size: ClassVar[int] = 100
    page_size_param: ClassVar[str | None] = None
    rate_limit: ClassVar[float] = 1.0  # requests per second, per host
    # The higher rate some APIs grant a client that sends its key (PubMed: 3 -> 10 per second).
    keyed_rate_limit: ClassVar[float | None] = None
    # Parameters whose values from translation and since-filter are joined, not replaced.
    joined_params: ClassVar[Mapping[str, str]] = {}
    # Environment variables holding an API key, and the parameter it travels in.
    api_key_env: ClassVar[tuple[str, ...]] = ()
    api_key_param: ClassVar[str | None] = None
    api_key_header: ClassVar[str | None] = None  # or the header it travels in (x-api-key)
    contact_param: ClassVar[str | None] = None  # e.g. "mailto" for polite pools
    # Error messages that mean "slow down" even when the status says otherwise.
    throttle_markers: ClassVar[tuple[str, ...]] = ("rate limit",)
    # Records come sorted by their update date, so a page can move the watermark (an instance
    # that asks for another order, Crossref's split by relevance, sets it False).
    ordered_by_update: bool = False
    # Option keys a review file may set on a source of this kind, with their meaning.
    options: ClassVar[Mapping[str, str]] = {}
    # Options that take one of a few words, and those words (checked when a review loads).
    option_choices: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    # The source has no single public address (OAI-PMH): every review source must name one.
    requires_base_url: ClassVar[bool] = False
    # The API's query syntax, from harvester.query.dialects (docs/query-language.md), and
    # parameters every search request carries besides the translated query.
    dialect: ClassVar[Dialect | None] = None
    base_params: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        *,
        instance: str | None = None,
        settings: Mapping[str, Any] | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        contact: str | None = None,
        max_records: int | None = None,
    ) -> None:
        self.instance = instance or self.name
        self.max_records = max_records  # the review's cap for this source, if any
        self.settings: Mapping[str, Any] = dict(settings or {})
        self.endpoint = (base_url or self.base_url).rstrip("/") + self.path
        self.api_key = api_key
        self.contact = contact

    # ---- declarations a connector overrides -------------------------------------------

    def translate(self, query: Query) -> Translation:
        """Request parameters expressing `query`, with notes on what was approximated."""
        if self.dialect is None:
            raise NotImplementedError(f"{self.name}: declare a dialect or override translate")
        translation = self.dialect.translate(query)
        return translation.with_params(self.base_params) if self.base_params else translation

    def since_params(self, since: date) -> dict[str, str]:
        """Parameters asking only for records changed on or after `since`."""
        return {}

    @classmethod
    def setting_problems(cls, settings: Mapping[str, Any]) -> dict[str, str]:
        """What is wrong with a review file's `options` values, by key (checked on load)."""
        return {
            key: f"must be one of {', '.join(choices)}"
            for key, choices in cls.option_choices.items()
            if key in settings and settings[key] not in choices
        }

    def source_id(self, raw: Any) -> str:
        raise NotImplementedError

    def to_work(self, raw: Any) -> Work:
        """Map one raw record to a Work. Pure: no I/O, no clock, no globals."""
        raise NotImplementedError

    def updated_at(self, raw: Any) -> str | None:
        """ISO timestamp of the record's last change at the source (for watermarks)."""
        return None

    def parse_page(self, body: bytes) -> Page:
        raise NotImplementedError

    def api_error(self, body: bytes) -> str | None:
        """The API's own error message if `body` is an error document, else None."""
        return None

    def payload(self, raw: Any) -> str:
        """Raw record as stored text (where a JSON page does not hold the record's own text);
        `load_payload` must read it back, and two records with the same value give the same
        text."""
        return json_payload(raw)

    def former_payload(self, raw: Any) -> str | None:
        """The text stores written by earlier versions hold for `raw`, where it differs from
        `payload` (None where it never did): a record stored that way and received again
        unchanged is known by it, not taken for a changed one."""
        return former_json_payload(raw)

    def load_payload(self, payload: str) -> Any:
        return json.loads(payload)

    # ---- provided by the core ---------------------------------------------------------

    def polite_rate(self) -> float:
        """Requests per second this instance may send: the keyed rate once a key is set."""
        if self.api_key and self.keyed_rate_limit:
            return self.keyed_rate_limit
        return self.rate_limit

    def first_request(self, query: Query, since: date | None = None) -> tuple[Request, Translation]:
        translation = self.translate(query)
        params: dict[str, str] = {}
        for part in (translation.params, self.since_params(since) if since else {}):
            for key, value in part.items():
                joiner = self.joined_params.get(key)
                if joiner and params.get(key):
                    joined = (
                        (_grouped(params[key]), _grouped(value))
                        if joiner.strip()
                        else (params[key], value)
                    )
                    params[key] = joiner.join(joined)
                else:
                    params[key] = value
        if self.page_size_param:
            params[self.page_size_param] = str(self.page_size)
        if self.contact_param and self.contact:
            params[self.contact_param] = self.contact
        if self.api_key_param and self.api_key:
            params[self.api_key_param] = self.api_key
        return Request(self.endpoint, params), translation

    def headers(self) -> dict[str, str]:
        """Headers every request to this source carries (an API key sent as a header)."""
        if self.api_key_header and self.api_key:
            return {self.api_key_header: self.api_key}
        return {}

    def pages(self, fetch: Fetch, first: Request) -> Iterator[tuple[Request, Page]]:
        """Walk the result pages. Override only for multi-step protocols."""
        state = PagingState()
        request: Request | None = self.paginator.first(first)
        while request is not None:
            page = fetch(request)
            state.record(page)
            yield request, page
            request = self.paginator.follow(request, page, state)
            del page  # gone before the next request (harvester/walk.py holds the collector)

    def check(self, response: Response) -> None:
        """Raise the right error for a response that is not a usable page."""
        message = self.api_error(response.content) if response.content else None
        throttled = message is not None and any(m in message.lower() for m in self.throttle_markers)
        if response.status == 429 or response.status >= 500 or throttled:
            raise RetriableAPIError(
                message or f"HTTP {response.status}",
                source=self.instance,
                status=response.status,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if response.status >= 400 or message:
            detail = message or " ".join(response.text(300).split()) or "(empty body)"
            raise FatalAPIError(
                f"HTTP {response.status}: {detail}", source=self.instance, status=response.status
            )

    def parse(self, body: bytes) -> list[Work]:
        """Map a saved response body to works (records the source gives unusable left out)."""
        return self.parse_counted(body)[0]

    def parse_counted(self, body: bytes) -> tuple[list[Work], list[str]]:
        """(works, why each unusable record was left out) of a saved response body."""
        message = self.api_error(body)
        if message:
            raise FatalAPIError(f"API error: {message}", source=self.instance)
        works, skipped = [], []
        for raw in self.parse_page(body).records:
            try:
                works.append(self.to_work(raw))
            except SkippableRecordError as exc:
                skipped.append(exc.detail)
        return works, skipped


def _grouped(expression: str) -> str:
    """`expression` in brackets when an OR at its top level would bind wrongly once ANDed.

    "a OR b" joined with a date filter must be "(a OR b) AND date", not "a OR (b AND date)".
    """
    depth, quoted = 0, False
    for index, char in enumerate(expression):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        elif not quoted and depth == 0 and expression.startswith((" OR ", " | "), index):
            return f"({expression})"
    return expression


def dig(data: Any, path: tuple[str, ...]) -> Any:
    """Follow `path` through nested dicts; None where any step is missing."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def short_text_error(body: bytes) -> str | None:
    """A short plain-text error body ("Resource not found.") as the message, else None."""
    text = body.decode("utf-8", "replace").strip()
    return text[:200] if text and len(text) < 200 and "\n" not in text else None


class JsonConnector(Connector):
    """A connector whose pages are JSON documents with records at a fixed path."""

    records_at: ClassVar[tuple[str, ...]] = ()
    token_at: ClassVar[tuple[str, ...] | None] = None
    total_at: ClassVar[tuple[str, ...] | None] = None
    # Some endpoints answer a single object (a work by id) instead of a list page.
    single_record_key: ClassVar[str | None] = None
    # The last body parsed and its value, kept for one more ask (see load_json).
    _last_parsed: tuple[bytes, Any] | None = None

    def load_json(self, body: bytes) -> Any:
        """`body` parsed, once per response: the error check (`api_error`, run on every
        response) and the page parser ask for the same bytes object, and the second is handed
        the first's value instead of parsing the whole page again."""
        last, self._last_parsed = self._last_parsed, None
        if last is not None and last[0] is body:
            return last[1]
        data = self._parse_json(body)
        self._last_parsed = (body, data)
        return data

    def _parse_json(self, body: bytes) -> Any:
        sliced = split_page(body, self.records_at, MAX_JSON_DEPTH, self._too_deep)
        if sliced is not None:
            return sliced
        try:
            data = parse_json(body)
        except RecursionError:  # deeper than Python's own limit (about 1,000 levels)
            data = too_deep = True
        except ValueError as exc:
            snippet = " ".join(body[:200].decode("utf-8", "replace").split()) or "(empty body)"
            raise ProtocolError(f"response is not JSON: {snippet}", source=self.instance) from exc
        else:
            too_deep = json_deeper(body, MAX_JSON_DEPTH)
        if too_deep:
            raise self._too_deep()
        return data

    def _too_deep(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"response JSON is nested more than {MAX_JSON_DEPTH} levels deep",
            source=self.instance,
        )

    def parse_page(self, body: bytes) -> Page:
        data = self.load_json(body)
        if not isinstance(data, Mapping):
            raise UnexpectedResponseError(
                f"expected a JSON object, got {_kind(data)}", source=self.instance
            )
        records = dig(data, self.records_at)
        if records is None and self.single_record_key:
            single = dig(data, self.records_at[:-1]) if len(self.records_at) > 1 else data
            if isinstance(single, Mapping) and self.single_record_key in single:
                records = [single]
        total = dig(data, self.total_at) if self.total_at else None
        total = int(total) if isinstance(total, int | str) and str(total).isdigit() else None
        where = ".".join(self.records_at)
        if records is None and total != 0:
            # A page without its records is no empty result: {} or an error in another shape.
            keys = ", ".join(sorted(map(str, data))[:8]) or "none"
            raise UnexpectedResponseError(
                f"no {where} in the page (its keys: {keys})", source=self.instance
            )
        if not isinstance(records, list | JsonRecords | None):
            raise UnexpectedResponseError(
                f"expected a list at {where}, got {_kind(records)}", source=self.instance
            )
        token = dig(data, self.token_at) if self.token_at else None
        return Page(
            records=records or [],
            next_token=str(token) if token not in (None, "") else None,
            total=total,
        )


class XmlConnector(Connector):
    """A connector whose records are XML elements, stored as their XML text."""

    def payload(self, raw: Any) -> str:
        return to_string(raw)

    def former_payload(self, raw: Any) -> str | None:
        return None  # XML records have always been stored as this text

    def load_payload(self, payload: str) -> Any:
        return from_string(payload)


def _kind(value: Any) -> str:
    """What a JSON value is, for a message: "null", "a list", "an object", ..."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "an object"
    return f"{type(value).__name__} {str(value)[:40]!r}"
