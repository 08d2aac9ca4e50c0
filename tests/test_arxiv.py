"""arXiv mapping on the recorded Atom feeds, its error feed, and an offset harvest through the
loopback replay server."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from connectors.arxiv import ArXiv, arxiv_id
from harvester.errors import FatalAPIError, SkippableRecordError
from harvester.http import Response
from harvester.query import Query
from harvester.replay import ReplayServer, Route
from harvester.store import Store
from harvester.work import Work
from tests.conftest import API, run_at, write_review

PAGES = API / "arxiv"


def parse(name: str) -> list[Work]:
    return ArXiv().parse((PAGES / name).read_bytes())


def test_new_style_id_without_version() -> None:
    (work,) = parse("idlist-1605.08386.xml")
    assert work.source_id == "1605.08386" and work.ids == {"arxiv": "1605.08386"}
    assert work.url == "https://arxiv.org/abs/1605.08386" and work.type == "preprint"


def test_old_style_id_journal_reference_and_category() -> None:
    (work,) = parse("idlist-astro-ph-0601001.xml")
    assert work.source_id == "astro-ph/0601001"
    assert work.venue == "ActaAstron.56:1-50,2006"
    assert work.keywords == ("astro-ph",)
    assert work.authors == (
        "Gould, Andrew",
        "Dorsher, Susan",
        "Gaudi, B. Scott",
        "Udalski, Andrzej",
    )
    assert (work.year, work.published, work.updated) == (2006, "2006-01-02", "2006-01-02T14:57:58Z")
    assert work.abstract.startswith("We derive the frequencies of hot Jupiters")


def test_doi_and_primary_category_first() -> None:
    work = parse("query-testing-start0-max10.xml")[0]
    assert work.source_id == "2202.12139"
    assert work.doi == "10.1109/icstw55395.2022.00035"
    assert work.keywords == ("cs.SE", "cs.LG")
    assert work.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )


@pytest.mark.parametrize(
    ("url", "ident"),
    [
        ("http://arxiv.org/abs/2202.12139v1", "2202.12139"),
        ("http://arxiv.org/abs/astro-ph/0601001v12", "astro-ph/0601001"),
        ("http://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
    ],
)
def test_arxiv_ids(url: str, ident: str) -> None:
    assert arxiv_id(url) == ident


def test_the_error_feed_is_a_clear_error() -> None:
    body = (PAGES / "error-400-incorrect-id-format.xml").read_bytes()
    for status in (400, 200):
        with pytest.raises(FatalAPIError, match="incorrect id format for abc"):
            ArXiv().check(Response(status, body, {}, "https://export.arxiv.org/api/query"))
    with pytest.raises(SkippableRecordError, match="not an arXiv entry id"):
        arxiv_id("https://arxiv.org/api/errors#incorrect_id_format_for_abc")


def test_query_translation() -> None:
    query = Query('("one-stop service*" OR ti:licensing) AND NOT kota* AND (a OR b)', 2010, 2026)
    request, translation = ArXiv().first_request(query, date(2026, 1, 5))
    assert request.params["search_query"] == (
        '(((((ti:"one-stop" OR abs:"one-stop") AND (ti:service* OR abs:service*)) OR ti:licensing)'
        " AND (ti:a OR abs:a OR ti:b OR abs:b)) ANDNOT (ti:kota* OR abs:kota*))"
        " AND submittedDate:[201001010000 TO 202612312359]"
        " AND submittedDate:[202601050000 TO 300012312359]"
    )
    assert (request.params["sortBy"], request.params["sortOrder"]) == ("submittedDate", "ascending")
    assert request.params["max_results"] == "200"
    assert not translation.exact
    updated = ArXiv(settings={"since_field": "lastUpdatedDate"}).first_request(
        query, date(2026, 1, 5)
    )
    assert updated[0].params["sortBy"] == "lastUpdatedDate"
    assert "lastUpdatedDate:[202601050000 TO" in updated[0].params["search_query"]


def test_offset_harvest_through_the_replay_server(store: Store, tmp_path: Path) -> None:
    bodies = {
        "0": "query-testing-start0-max10.xml",
        "10": "query-testing-start10-max10.xml",
        "20": "query-testing-start20-max10.xml",
        "30": "idlist-0000.0000-no-entry.xml",
    }
    routes = [Route("/arxiv/api/query", PAGES / f, query={"start": s}) for s, f in bodies.items()]
    with ReplayServer(routes=routes) as server:
        review = write_review(tmp_path / "r.toml", server.url, sources=("arxiv",), query="testing")
        results = [run_at(store, review, datetime(2026, 3, day)).sources[0] for day in (1, 8)]
        asked = server.received()
    assert [(r.status, r.records, r.requests) for r in results] == [("ok", 30, 4)] * 2
    assert store.value("SELECT count(*) FROM raw_records") == 30
    assert [r["params"]["start"] for r in asked] == list(bodies) * 2
    assert asked[0]["params"]["search_query"] == "ti:testing OR abs:testing"
    assert asked[4]["params"]["search_query"] == (
        "(ti:testing OR abs:testing) AND submittedDate:[202602270000 TO 300012312359]"
    )
