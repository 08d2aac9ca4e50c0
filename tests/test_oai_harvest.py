"""An OAI-PMH harvest through the real HTTP stack, the runner and a DuckDB file.

The loopback replay server answers with Zenodo's recorded ListRecords walk: the first page, the
page its resumption token names, and the last page (no token), 9 records of which 1 is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from harvester.http import HttpClient
from harvester.replay import ReplayServer, Route
from harvester.review import load_review
from harvester.runner import RunResult, run_review
from harvester.store import Store
from harvester.xml import text
from tests.conftest import API, run_cli

PAGES = API / "oai_pmh"
FIRST, SECOND, LAST = (
    PAGES / "zenodo-listrecords-oai_dc-page1-trimmed.xml",
    PAGES / "zenodo-listrecords-resumption-page2.xml",
    PAGES / "zenodo-listrecords-resumption-last-no-token.xml",
)
XML = "text/xml; charset=utf-8"
FIRST_RUN, SECOND_RUN = datetime(2026, 8, 14, 12), datetime(2026, 8, 21, 12)


def token_of(page: Path) -> str:
    root = etree.fromstring(page.read_bytes())
    token = text(root, ".//{http://www.openarchives.org/OAI/2.0/}resumptionToken")
    assert token
    return token


def walk(page2: Path = SECOND, page2_status: int = 200) -> list[Route]:
    listing = {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "user-zenodo"}
    return [
        Route("/oai", FIRST, query=listing, content_type=XML),
        Route(
            "/oai",
            page2,
            {"resumptionToken": token_of(FIRST)},
            status=page2_status,
            content_type=XML,
        ),
        Route("/oai", LAST, query={"resumptionToken": token_of(SECOND)}, content_type=XML),
    ]


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(routes=walk()) as running:
        yield running


def review_file(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "review.toml"
    path.write_text(
        '[review]\nid = "oai"\noverlap_days = 2\n[query]\ntext = \'"open data"\'\n'
        f'[[sources]]\nconnector = "oai_pmh"\nname = "zenodo"\nbase_url = "{url}/oai"\n'
        # The harvest mechanics are under test here, not the strategy: keep every record.
        'set = "user-zenodo"\nrate_limit = 1000\nlocal_filter = false\n',
        encoding="utf-8",
    )
    return path


def harvest(store: Store, review: Path, at: datetime) -> RunResult:
    clock: Callable[[], datetime] = lambda: at  # noqa: E731
    with HttpClient(max_attempts=2, sleep=lambda s: None) as http:
        return run_review(load_review(review), store, http=http, clock=clock)


def test_harvest_follows_resumption_tokens_to_the_last_page(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    result = harvest(store, review_file(tmp_path, server.url), FIRST_RUN)
    (source,) = result.sources
    assert (source.status, source.records, source.requests) == ("ok", 9, 3)
    asked = [r["params"] for r in server.received()]
    assert asked[0] == {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "user-zenodo"}
    # The token is an exclusive argument: it travels with the verb and nothing else.
    assert asked[1:] == [
        {"verb": "ListRecords", "resumptionToken": token_of(FIRST)},
        {"verb": "ListRecords", "resumptionToken": token_of(SECOND)},
    ]
    assert store.value("SELECT count(*) FROM raw_records WHERE source = 'zenodo'") == 9
    deleted = store.rows("SELECT source_id FROM works WHERE deleted")
    # The endpoint is not zenodo.org's own host, so its identifiers carry the host they came from.
    assert deleted == [(f"127.0.0.1/oai:zenodo.org:{8433364}",)]
    assert result.snapshot is not None and result.snapshot.records == 8  # the deleted one left out
    assert store.value("SELECT count(*) FROM works WHERE doi IS NOT NULL AND NOT deleted") == 8


def test_second_run_asks_only_from_the_watermark(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    review = review_file(tmp_path, server.url)
    harvest(store, review, FIRST_RUN)
    assert store.value("SELECT watermark FROM harvest_state") == FIRST_RUN
    before = len(server.received())
    second = harvest(store, review, SECOND_RUN)
    later = [r["params"] for r in server.received()[before:]]
    # Watermark 2026-08-14 minus the review's 2 days of overlap, at day granularity.
    assert later[0] == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "set": "user-zenodo",
        "from": "2026-08-12",
    }
    assert all(set(p) == {"verb", "resumptionToken"} for p in later[1:])
    (source,) = second.sources
    assert (source.records, source.new, source.unchanged) == (9, 0, 9)
    assert store.value("SELECT count(*) FROM raw_records") == 9
    assert store.value("SELECT watermark FROM harvest_state") == SECOND_RUN


def test_no_records_match_with_http_422_is_an_empty_harvest(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    review = review_file(tmp_path, server.url)
    harvest(store, review, FIRST_RUN)
    nothing_new = PAGES / "zenodo-error-422-noRecordsMatch-future-from.xml"
    server.routes.append(Route("/oai", nothing_new, {"from": "2026-08-12"}, status=422, phase=2))
    server.phase = 2
    (source,) = harvest(store, review, SECOND_RUN).sources
    assert (source.status, source.records, source.requests, source.error) == ("ok", 0, 1, None)
    assert store.value("SELECT watermark FROM harvest_state") == SECOND_RUN


def test_expired_token_fails_the_source_and_keeps_the_pages_before_it(
    store: Store, tmp_path: Path
) -> None:
    expired = PAGES / "zenodo-error-422-badResumptionToken.xml"
    with ReplayServer(routes=walk(expired, 422)) as server:
        result = harvest(store, review_file(tmp_path, server.url), FIRST_RUN)
    (source,) = result.sources
    assert source.status == "failed" and result.status == "failed"
    assert source.error is not None and source.error.startswith("OAI-PMH badResumptionToken:")
    assert store.value("SELECT count(*) FROM raw_records") == 3
    assert store.value("SELECT count(*) FROM harvest_state") == 0  # the next run starts over


def test_an_html_page_at_the_endpoint_fails_the_source_with_its_name(
    store: Store, tmp_path: Path
) -> None:
    page = tmp_path / "beranda.html"
    page.write_text("<!DOCTYPE html><html><body>Jurnal tidak ditemukan</body></html>")
    routes = [Route("/oai", page, content_type="text/html; charset=utf-8")]
    with ReplayServer(routes=routes) as server:
        (source,) = harvest(store, review_file(tmp_path, server.url), FIRST_RUN).sources
    assert source.status == "failed"
    assert source.error is not None and "expected XML but received an HTML page" in source.error


def without_first_identifier(page: Path, tmp_path: Path) -> Path:
    """`page` with its first record's header identifier removed (as some OJS servers send)."""
    text = re.sub(r"<identifier>[^<]*</identifier>", "", page.read_text(encoding="utf-8"), count=1)
    out = tmp_path / page.name
    out.write_text(text, encoding="utf-8")
    return out


def test_a_record_without_a_header_identifier_is_skipped_and_counted(
    store: Store, tmp_path: Path
) -> None:
    with ReplayServer(routes=walk(without_first_identifier(SECOND, tmp_path))) as server:
        result = harvest(store, review_file(tmp_path, server.url), FIRST_RUN)
    (source,) = result.sources
    assert (source.status, source.records, source.skipped, source.mapping_errors) == (
        "ok",
        9,
        1,
        0,
    )
    assert store.value("SELECT count(*) FROM works") == 8
    (error,) = store.rows("SELECT error FROM raw_records WHERE NOT mapped")
    assert error == ("OAI-PMH record without a header identifier",)
    assert store.value("SELECT watermark FROM harvest_state") == FIRST_RUN


def test_connectors_parse_leaves_such_a_record_out_and_says_so(tmp_path: Path) -> None:
    saved = without_first_identifier(LAST, tmp_path)
    parsed = run_cli("connectors", "parse", "oai_pmh", saved)
    assert parsed.returncode == 0, parsed.stderr
    assert len(parsed.stdout.splitlines()) == 2  # of 3 records
    assert parsed.stderr.strip() == (
        "skipped 1 unusable records (the first: OAI-PMH record without a header identifier)"
    )
