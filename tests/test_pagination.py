"""Paginators on hand-built pages: where each stops, and the loop guard."""

from __future__ import annotations

import pytest

from harvester.errors import ProtocolError
from harvester.http import Request
from harvester.pagination import (
    CursorPaginator,
    NextLinkPaginator,
    OffsetPaginator,
    Page,
    PageNumberPaginator,
    PagingState,
    SinglePage,
    TokenPaginator,
)

BASE = Request("https://api.example.org/works", {"q": "x"})


def walk(paginator, pages: list[Page]) -> list[Request]:  # type: ignore[no-untyped-def]
    """Requests a paginator makes when the server answers with `pages` in order."""
    state = PagingState()
    sent: list[Request] = []
    request: Request | None = paginator.first(BASE)
    for page in pages:
        assert request is not None
        sent.append(request)
        state.record(page)
        request = paginator.follow(request, page, state)
    assert request is None, "paginator wanted more pages than the server has"
    return sent


def test_cursor_follows_tokens_and_stops_on_empty_page() -> None:
    pages = [Page([1, 2], "a"), Page([3], "b"), Page([], "c")]
    sent = walk(CursorPaginator(), pages)
    assert [r.params["cursor"] for r in sent] == ["*", "a", "b"]
    assert all(r.params["q"] == "x" for r in sent)


def test_cursor_refuses_a_repeated_token() -> None:
    state = PagingState()
    paginator = CursorPaginator()
    request = paginator.follow(paginator.first(BASE), Page([1], "a"), state)
    assert request is not None
    request = paginator.follow(request, Page([2], "b"), state)
    assert request is not None
    with pytest.raises(ProtocolError, match="same page token twice"):
        paginator.follow(request, Page([3], "a"), state)


def test_crossref_style_cursor_may_repeat_and_ends_on_empty_items() -> None:
    pages = [Page([1], "scroll"), Page([2], "scroll"), Page([3], "scroll"), Page([], "scroll")]
    sent = walk(CursorPaginator(token_repeats=True), pages)
    assert [r.params["cursor"] for r in sent] == ["*", "scroll", "scroll", "scroll"]


def test_cursor_stops_when_total_is_reached() -> None:
    sent = walk(CursorPaginator(), [Page([1, 2], "a", total=3), Page([3], "b", total=3)])
    assert len(sent) == 2


def test_offset_advances_by_records_received() -> None:
    pages = [Page([1, 2, 3], total=7), Page([4, 5, 6], total=7), Page([7], total=7)]
    sent = walk(OffsetPaginator("retstart"), pages)
    assert [r.params["retstart"] for r in sent] == ["0", "3", "6"]


def test_page_number_stops_on_empty_page() -> None:
    sent = walk(PageNumberPaginator(), [Page([1]), Page([2]), Page([])])
    assert [r.params["page"] for r in sent] == ["1", "2", "3"]


def test_resumption_token_is_sent_alone_with_the_verb() -> None:
    first = Request(
        "https://oai.example.org/oai",
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01"},
    )
    paginator = TokenPaginator()
    state = PagingState()
    nxt = paginator.follow(first, Page([1], "tok1"), state)
    assert nxt is not None
    assert dict(nxt.params) == {"verb": "ListRecords", "resumptionToken": "tok1"}
    assert paginator.follow(nxt, Page([2], None), state) is None
    with pytest.raises(ProtocolError):
        paginator.follow(nxt, Page([3], "tok1"), state)


def test_next_link_replaces_the_url() -> None:
    sent = walk(
        NextLinkPaginator(), [Page([1], "https://api.example.org/works?page=2"), Page([2], None)]
    )
    assert sent[1].url == "https://api.example.org/works?page=2"
    assert dict(sent[1].params) == {}


def test_single_page() -> None:
    assert len(walk(SinglePage(), [Page([1, 2], "ignored")])) == 1


def test_cursor_echo_ends_the_walk_where_the_source_does_that() -> None:
    pages = [Page([1], "a"), Page([2], "a")]
    sent = walk(CursorPaginator(param="cursorMark", echo_means_end=True), pages)
    assert [r.params["cursorMark"] for r in sent] == ["*", "a"]
