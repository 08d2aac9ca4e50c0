"""One broken source never takes down a run: each fault is injected into the Crossref source
through the loopback replay server while OpenAlex answers with its demo recording, and the run
harvests OpenAlex, fails Crossref with its reason, and publishes a snapshot."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from connectors.crossref import Crossref
from harvester.cli.run import closing_lines
from harvester.errors import StoreError
from harvester.http import HttpClient
from harvester.pagination import Page
from harvester.registry import connectors
from harvester.replay import ReplayServer, Route, load_routes
from harvester.reporting.searchlog import search_log
from harvester.review import load_review
from harvester.runner import RunResult, run_review
from harvester.store import Store
from harvester.store.database import store_failure
from harvester.walk import NO_PROGRESS_PAGES
from tests.conftest import API, REPLAY

CROSSREF = API / "crossref" / "works-query-widget-cursor-star-page1.json"
WHEN = datetime(2027, 3, 1, 12)  # after every recorded update


def crossref_page(**changes: Any) -> dict[str, Any]:
    """The first recorded Crossref page (20 records), with `changes` made to its message."""
    page = json.loads(CROSSREF.read_text(encoding="utf-8"))
    page["message"].update(changes)
    return page


def openalex_routes() -> list[Route]:
    return [r for r in load_routes(REPLAY / "demo") if r.path.startswith("/openalex")]


def review_file(tmp_path: Path, url: str, crossref_extra: str = "") -> Path:
    path = tmp_path / "review.toml"
    path.write_text(
        '[review]\nid = "t"\ntitle = "faults"\ncontact = "test@example.org"\n'
        "[query]\ntext = 'widget* OR citation*'\n"
        f'[[sources]]\nconnector = "crossref"\nbase_url = "{url}/crossref"\n'
        f"rate_limit = 1000\nlocal_filter = false\n{crossref_extra}"
        f'[[sources]]\nconnector = "openalex"\nbase_url = "{url}/openalex"\n'
        "rate_limit = 1000\nlocal_filter = false\n",
        encoding="utf-8",
    )
    return path


def harvest(
    store: Store,
    tmp_path: Path,
    crossref: list[Route],
    crossref_extra: str = "",
    **client: Any,
) -> tuple[RunResult, ReplayServer]:
    with ReplayServer(routes=crossref + openalex_routes()) as server:
        review = review_file(tmp_path, server.url, crossref_extra)
        with HttpClient(max_attempts=2, sleep=lambda s: None, **client) as http:
            result = run_review(load_review(review), store, http=http, clock=lambda: WHEN)
    return result, server


def written(tmp_path: Path, name: str, content: bytes | dict[str, Any]) -> Path:
    path = tmp_path / name
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    path.write_bytes(data)
    return path


def one_page_walk(tmp_path: Path, page: dict[str, Any]) -> list[Route]:
    """Crossref answering with `page`, then with the empty page that ends its scroll."""
    ends = {"cursor": page["message"]["next-cursor"]}
    return [
        Route("/crossref/works", written(tmp_path, "page.json", page), query={"cursor": "*"}),
        Route("/crossref/works", REPLAY / "demo" / "crossref-empty-page.json", query=ends),
    ]


def assert_isolated(result: RunResult, store: Store, reason: str) -> None:
    """Crossref failed with `reason`, OpenAlex harvested, a snapshot published, nothing zero."""
    crossref, openalex = result.sources
    assert (crossref.status, openalex.status) == ("failed", "ok"), crossref.error
    assert crossref.error is not None and reason in crossref.error, crossref.error
    assert openalex.records == 38
    assert result.status == "partial" and result.snapshot is not None
    logged = store.rows("SELECT status, error FROM run_sources WHERE source = 'crossref'")
    assert logged == [("failed", crossref.error)]
    assert_watermark_within_stored(store)
    counts = json.loads(store.value("SELECT counts FROM snapshots"))
    assert counts["failed_sources"] == ["crossref"]


def assert_watermark_within_stored(store: Store) -> None:
    """The failed source's watermark (if a stored page moved it) is never past stored data."""
    mark = store.value("SELECT max(watermark) FROM harvest_state WHERE source = 'crossref'")
    if mark is None:
        return
    stamps = store.rows("SELECT updated FROM works WHERE source = 'crossref'")
    latest = max(datetime.fromisoformat(s.replace("Z", "+00:00")) for (s,) in stamps)
    assert mark <= latest.replace(tzinfo=None) < WHEN


Fault = Callable[[Path], tuple[list[Route], str]]


def redirect_loop(tmp_path: Path) -> tuple[list[Route], str]:
    return [
        Route("/crossref/works", CROSSREF, redirect="/crossref/works")
    ], "more than 10 redirects"


def nested_json(tmp_path: Path) -> tuple[list[Route], str]:
    body = written(tmp_path, "nested.json", b"[" * 100_000 + b"]" * 100_000)
    return [Route("/crossref/works", body)], "nested more than 100 levels deep"


def unexpected_shape(tmp_path: Path) -> tuple[list[Route], str]:
    body = written(tmp_path, "empty-object.json", {"status": "ok", "message": {}})
    return [Route("/crossref/works", body)], "unexpected response: no message.items"


def first_page_emptied(tmp_path: Path) -> tuple[list[Route], str]:
    body = written(tmp_path, "emptied.json", crossref_page(items=[]))
    return [Route("/crossref/works", body)], "reports 454 records but sent none"


def mapper_fails_on_every_record(tmp_path: Path) -> tuple[list[Route], str]:
    items = [
        {k: v for k, v in item.items() if k != "DOI"}
        for item in crossref_page()["message"]["items"]
    ]
    body = written(tmp_path, "no-dois.json", crossref_page(items=items))
    return [Route("/crossref/works", body)], "no record of page 1 could be mapped (20 records"


def no_progress(tmp_path: Path) -> tuple[list[Route], str]:
    # Crossref repeats its scroll id by design, so only the records show the walk is stuck.
    return [Route("/crossref/works", CROSSREF)], f"no progress: {NO_PROGRESS_PAGES} pages in a row"


@pytest.mark.parametrize(
    "fault",
    [
        redirect_loop,
        nested_json,
        unexpected_shape,
        first_page_emptied,
        mapper_fails_on_every_record,
        no_progress,
    ],
)
def test_one_broken_source_fails_alone(store: Store, tmp_path: Path, fault: Fault) -> None:
    routes, reason = fault(tmp_path)
    result, _ = harvest(store, tmp_path, routes)
    assert_isolated(result, store, reason)


def test_new_cursors_with_the_same_records_end_after_the_no_progress_pages(
    store: Store, tmp_path: Path
) -> None:
    first = written(tmp_path, "p0.json", crossref_page(**{"next-cursor": "c1"}))
    routes = [Route("/crossref/works", first, query={"cursor": "*"})]
    for number in range(1, 30):  # each page names a new cursor, and holds the same 20 records
        page = written(
            tmp_path, f"p{number}.json", crossref_page(**{"next-cursor": f"c{number + 1}"})
        )
        routes.append(Route("/crossref/works", page, query={"cursor": f"c{number}"}))
    result, server = harvest(store, tmp_path, routes)
    assert_isolated(result, store, "no progress")
    assert len(server.received("/crossref/works")) == 1 + NO_PROGRESS_PAGES
    assert result.sources[0].records == 20 * (1 + NO_PROGRESS_PAGES)
    assert store.value("SELECT count(*) FROM raw_records WHERE source = 'crossref'") == 20


def test_a_body_over_the_size_limit_fails_its_source(store: Store, tmp_path: Path) -> None:
    bomb = written(tmp_path, "bomb.gz", gzip.compress(b" " * 20 * 2**20))
    routes = [Route("/crossref/works", bomb, headers={"Content-Encoding": "gzip"})]
    result, _ = harvest(store, tmp_path, routes, max_response_bytes=2**20)
    assert_isolated(result, store, "response larger than 1 MB (decompressed)")


def test_a_slow_source_stops_at_its_deadline(store: Store, tmp_path: Path) -> None:
    routes = [Route("/crossref/works", CROSSREF, fault="trickle:0.5")]
    result, _ = harvest(store, tmp_path, routes, crossref_extra="max_minutes = 0.02\n")
    assert_isolated(result, store, "stopped at the source's deadline (max_minutes = 0.02)")


def test_a_long_retry_after_throttles_without_blocking_the_next_source(
    store: Store, tmp_path: Path
) -> None:
    banned = [Route("/crossref/works", CROSSREF, fail=[429] * 5, retry_after=100000)]
    waits: list[float] = []
    # Two hosts (ports): a Retry-After holds back its own host, not another source's.
    with (
        ReplayServer(routes=banned) as crossref_host,
        ReplayServer(routes=openalex_routes()) as other,
    ):
        review = review_file(tmp_path, crossref_host.url)
        text = review.read_text().replace(f"{crossref_host.url}/openalex", f"{other.url}/openalex")
        review.write_text(text)
        with HttpClient(sleep=waits.append) as http:
            result = run_review(load_review(review), store, http=http, clock=lambda: WHEN)
        assert len(crossref_host.received("/crossref/works")) == 1
    crossref, openalex = result.sources
    assert (crossref.status, openalex.status) == ("throttled", "ok")
    assert crossref.error is not None and "wait 27.8 h, try the next run" in crossref.error
    assert sum(waits) == 0 and result.snapshot is not None


def test_mapping_errors_are_counted_shown_and_kept_raw(store: Store, tmp_path: Path) -> None:
    page = crossref_page()
    del page["message"]["items"][0]["DOI"]  # a shape the Crossref mapping does not know
    page["message"]["items"][2]["title"] = 42  # the mapping expects a list of strings
    result, _ = harvest(store, tmp_path, one_page_walk(tmp_path, page))
    crossref = result.sources[0]
    assert (crossref.status, crossref.records, crossref.skipped) == ("ok", 20, 2)
    assert crossref.mapping_errors == 2
    assert store.value("SELECT mapping_errors FROM run_sources WHERE source = 'crossref'") == 2
    errors = sorted(
        e for (e,) in store.rows("SELECT error FROM raw_records WHERE error IS NOT NULL")
    )
    assert errors[0].startswith("TypeError: ") and ", from connectors/" in errors[0]
    assert errors[1].startswith("no record id: KeyError: 'DOI' (at connectors/crossref.py:")
    assert store.value("SELECT count(*) FROM works WHERE source = 'crossref'") == 18
    assert "2 records could not be mapped (map errors)" in " ".join(closing_lines(result))
    log = search_log(store, load_review(tmp_path / "review.toml"), 1)
    assert "20 retrieved (20 new, 0 updated, 2 unusable, 2 of them could not be mapped" in log


def test_already_stored_is_never_negative(store: Store, tmp_path: Path) -> None:
    page = crossref_page()
    items = page["message"]["items"]
    items.append(dict(items[0]))  # the same record twice on one page
    del items[1]["DOI"]  # and one that cannot be mapped, new to the store
    routes = one_page_walk(tmp_path, page)
    crossref = harvest(store, tmp_path, routes)[0].sources[0]
    assert (crossref.records, crossref.new, crossref.skipped, crossref.unchanged) == (21, 20, 1, 0)
    again = harvest(store, tmp_path, routes)[0].sources[0]
    assert (again.new, again.changed, again.unchanged) == (0, 0, 20)


def test_the_store_failing_is_one_clear_error(tmp_path: Path) -> None:
    wal = tmp_path / "store.duckdb.wal"
    for detail, reason in [
        ("No space left on device", "disk full"),
        ("File too large", "file size limit reached"),
        ("Disk quota exceeded", "disk quota exceeded"),
    ]:
        error = duckdb.IOException(f'IO Error: Could not write file "{wal}": {detail}')
        failure = store_failure(error, tmp_path / "store.duckdb")
        assert isinstance(failure, StoreError) and str(failure) == f"{reason} writing {wal}"
    # A mistake in a statement is a bug, not the store failing: it keeps its traceback.
    assert store_failure(duckdb.ParserException("syntax error"), tmp_path / "s") is None


class BuggyCrossref(Crossref):
    """A third-party connector with a bug: where, the test says."""

    name = "buggy"
    bug_in = ""

    def since_params(self, since: date) -> dict[str, str]:
        if self.bug_in == "since_params":
            raise AttributeError("'NoneType' object has no attribute 'strip'")
        return super().since_params(since)

    def parse_page(self, body: bytes) -> Page:
        if self.bug_in == "parse_page" and b'"items": []' not in body:
            return Page(records=[1 / 0])
        return super().parse_page(body)


@pytest.mark.parametrize(
    ("bug_in", "reason"),
    [
        ("parse_page", "internal error: ZeroDivisionError: division by zero (at tests/"),
        ("since_params", "internal error: AttributeError: 'NoneType' object has no attribute"),
    ],
)
def test_a_bug_anywhere_in_a_connector_fails_only_its_source(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bug_in: str, reason: str
) -> None:
    monkeypatch.setitem(connectors(), "buggy", BuggyCrossref)
    with ReplayServer(REPLAY / "demo") as server:
        review = review_file(tmp_path, server.url)
        text = review.read_text().replace('connector = "crossref"', 'connector = "buggy"')
        review.write_text(text.replace("/buggy", "/crossref"))
        for bug in ("", bug_in):  # a first run without the bug, so the second has a watermark
            monkeypatch.setattr(BuggyCrossref, "bug_in", bug)
            server.reset()
            with HttpClient(max_attempts=1, sleep=lambda s: None) as http:
                result = run_review(load_review(review), store, http=http, clock=lambda: WHEN)
    buggy, openalex = result.sources
    assert (buggy.status, openalex.status, openalex.records) == ("failed", "ok", 38)
    assert buggy.error is not None and buggy.error.startswith(reason), buggy.error
    assert "buggy connector or harvester" in buggy.error
    logged = store.rows("SELECT status, error FROM run_sources WHERE run_id = 2 ORDER BY source")
    assert logged[0] == ("failed", buggy.error)
    assert result.snapshot is not None
