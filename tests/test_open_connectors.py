"""DOAJ, Semantic Scholar and DataCite: mapping edge cases, the requests they build, keys."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from connectors.datacite import DataCite
from connectors.doaj import Doaj
from connectors.semantic_scholar import SemanticScholar
from harvester.errors import FatalAPIError, ProtocolError
from harvester.http import HttpClient, Request, Response
from harvester.pagination import Page, PagingState
from harvester.query import Query
from harvester.replay import ReplayServer, Route
from harvester.review import load_review
from harvester.runner import run_review
from harvester.store import Store
from tests.conftest import API

QUERY = Query('("one-stop service*" OR PTSP) AND Indonesia*', 2010, 2026)


def first_request(connector, since: date | None = None) -> Request:  # type: ignore[no-untyped-def]
    request, _ = connector.first_request(QUERY, since)
    return connector.paginator.first(request)  # type: ignore[no-any-return]


# ---- DOAJ ------------------------------------------------------------------------------


def test_doaj_article_mapping() -> None:
    (work,) = Doaj().parse((API / "doaj" / "v2-article-by-id.json").read_bytes())
    assert work.source_id == "0005e11ec616453f854070069385e057"
    assert work.doi == "10.3389/neuro.11.009.2007"
    assert work.authors == ("Leergaard, Trygve B", "Zaslavsky, Ilya")
    assert (work.year, work.published, work.venue) == (
        2008,
        "2008-04",
        "Frontiers in Neuroinformatics",
    )
    assert work.issn == ("1662-5196",) and work.ids == {"doaj": work.source_id}
    assert work.language == "en" and work.type == "article"
    page = Doaj().parse(
        (API / "doaj" / "v2-search-articles-license-ccby-page1-size2.json").read_bytes()
    )
    assert (page[0].volume, page[0].issue, page[0].pages) == ("11", "1", "1-6")
    without_doi = [w for w in page if w.doi is None]
    assert without_doi and all(w.url and w.url.startswith("http") for w in without_doi)


def test_doaj_journal_search_results_say_they_are_journals() -> None:
    journals = Doaj().parse(
        (API / "doaj" / "v2-search-journals-keywords-heritage.json").read_bytes()
    )
    assert len(journals) == 10 and {w.type for w in journals} == {"journal"}
    assert journals[0].title == "Journal Sampurasun" and journals[0].issn == (
        "2460-5735",
        "2460-5743",
    )


def test_doaj_query_travels_in_the_path() -> None:
    request = first_request(Doaj(), since=date(2026, 1, 8))
    assert request.url.startswith("https://doaj.org/api/search/articles/")
    segment = request.url.rsplit("/", 1)[1]
    assert " " not in segment and "+" not in segment and "%20AND%20" in segment
    assert segment.endswith("%20AND%20last_updated:%5B2026-01-08%20TO%20%2A%5D")
    assert "bibjson.year:%5B2010%20TO%202026%5D" in segment
    assert dict(request.params) == {"sort": "created_date:asc", "pageSize": "100", "page": "1"}


def test_doaj_error_body() -> None:
    body = json.dumps(
        {"status": "bad_request", "error": "Query contains disallowed wildcard"}
    ).encode()
    with pytest.raises(FatalAPIError, match="disallowed wildcard"):
        Doaj().check(Response(400, body, {}, "https://doaj.org/api/search/articles/x"))


# ---- Semantic Scholar ---------------------------------------------------------------

# A paper as the bulk search returns it with the fields harvester asks for (shape from the
# API reference; the recordings asked for titles only).
PAPER = {
    "paperId": "649def34f8be52c8b66281af98ae884c09aef38b",
    "externalIds": {
        "DOI": "10.1093/MIND/LIX.236.433",
        "PubMed": "123",
        "PubMedCentral": "4567",
        "ArXiv": "2101.00001",
        "MAG": "2000",
        "CorpusId": 9,
    },
    "title": "Computing Machinery and Intelligence",
    "abstract": None,
    "year": 1950,
    "publicationDate": "1950-10-01",
    "venue": "Mind",
    "journal": {"name": "Mind", "volume": "LIX", "pages": "433-460"},
    "publicationVenue": {"name": "Mind", "issn": "0026-4423"},
    "authors": [{"authorId": "2262347", "name": "A. M. Turing"}],
    "publicationTypes": ["JournalArticle", "Review"],
}


def test_semantic_scholar_full_paper() -> None:
    work = SemanticScholar().to_work(PAPER)
    assert work.doi == "10.1093/mind/lix.236.433"
    assert work.ids == {
        "s2": PAPER["paperId"],
        "pmid": "123",
        "pmcid": "PMC4567",
        "arxiv": "2101.00001",
        "mag": "2000",
    }
    assert work.authors == ("Turing, A. M.",) and work.type == "journal-article"
    assert (work.venue, work.volume, work.pages, work.issn) == (
        "Mind",
        "LIX",
        "433-460",
        ("0026-4423",),
    )
    assert work.url == "https://doi.org/10.1093/mind/lix.236.433"


def test_semantic_scholar_empty_result_has_no_data_key() -> None:
    assert SemanticScholar().parse(b'{"total":0,"offset":0}') == []


def test_semantic_scholar_bulk_token_walk() -> None:
    connector = SemanticScholar()
    request = first_request(connector, since=date(2026, 1, 8))
    assert "token" not in request.params  # bulk search hands the first token out
    assert request.params["year"] == "2010-2026"
    assert request.params["publicationDateOrYear"] == "2026-01-08:"
    assert "externalIds" in request.params["fields"] and "authors" in request.params["fields"]
    page = connector.parse_page(
        (API / "semantic_scholar" / "paper-search-bulk-kubernetes-page1.json").read_bytes()
    )
    follow = connector.paginator.follow(request, page, PagingState())
    assert follow is not None and follow.params["token"] == page.next_token


def test_semantic_scholar_key_goes_in_a_header_never_in_the_url(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SemanticScholar().headers() == {}
    assert SemanticScholar(api_key="k").headers() == {"x-api-key": "k"}
    monkeypatch.setenv("S2_API_KEY", "secret-key")
    routes = [Route("*", API / "semantic_scholar" / "paper-search-last-page-no-next.json")]
    review = tmp_path / "r.toml"
    with ReplayServer(routes=routes) as server:
        review.write_text(
            f'[query]\ntext = \'"edit distance"\'\n[[sources]]\nconnector = "semantic_scholar"\n'
            f'base_url = "{server.url}"\nrate_limit = 1000\n'
        )
        with HttpClient(max_attempts=1) as http:
            (source,) = run_review(load_review(review), store, http=http).sources
        (sent,) = server.received()
    assert (source.status, source.records) == ("ok", 89)
    assert sent["headers"]["x-api-key"] == "***"  # the replay log masks it; it was sent
    assert "secret-key" not in json.dumps(sent["params"]) and "secret-key" not in source.query_sent


# ---- DataCite ---------------------------------------------------------------------


def test_datacite_mapping() -> None:
    works = DataCite().parse((API / "datacite" / "dois-page-number1-size5.json").read_bytes())
    assert len(works) == 5 and all(w.doi == w.source_id for w in works)
    first = works[0]
    assert first.doi == "10.5281/zenodo.3596961" and first.authors == ("Gómez, Francis",)
    assert (first.type, first.year, first.published) == ("software", 2020, "2020-01-02")
    assert (
        first.abstract
        == "SysML project about design of modeling and simulation tools for power systems"
    )
    assert first.updated == "2020-01-02T22:21:56.000Z"


def test_datacite_cursor_walk_stays_on_the_configured_endpoint() -> None:
    connector = DataCite(base_url="http://127.0.0.1:9/datacite")
    request = first_request(connector, since=date(2026, 1, 8))
    assert request.url == "http://127.0.0.1:9/datacite/dois"
    assert request.params["page[cursor]"] == "1" and request.params["page[size]"] == "1000"
    assert request.params["query"].endswith(
        " AND publicationYear:[2010 TO 2026] AND updated:[2026-01-08 TO *]"
    )
    page = connector.parse_page((API / "datacite" / "dois-page-number1-size5.json").read_bytes())
    follow = connector.paginator.follow(request, page, PagingState())
    assert follow is not None and follow.url == request.url  # not api.datacite.org
    assert dict(follow.params) == {"page[number]": "2", "page[size]": "5"}
    cursor = Page(
        page.records, "https://api.datacite.org/dois?page%5Bcursor%5D=MTU4&page%5Bsize%5D=1000"
    )
    follow = connector.paginator.follow(request, cursor, PagingState())
    assert follow is not None and follow.params["page[cursor]"] == "MTU4"


def test_datacite_errors() -> None:
    body = json.dumps({"errors": [{"status": "400", "title": "Invalid query"}]}).encode()
    with pytest.raises(FatalAPIError, match="Invalid query"):
        DataCite().check(Response(400, body, {}, "https://api.datacite.org/dois"))
    with pytest.raises(ProtocolError, match="not JSON"):
        DataCite().parse(b"<!DOCTYPE html>" + b"<p>maintenance</p>" * 30)
