"""Crossref mapping on real recorded responses, and a cursor walk served by respx."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from connectors.crossref import Crossref
from harvester.errors import FatalAPIError
from harvester.http import HttpClient
from harvester.query import Query
from tests.conftest import API

PAGES = API / "crossref"


def parse(name: str) -> list:  # type: ignore[type-arg]
    return Crossref().parse((PAGES / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("works-query-widget-cursor-star-page1.json", 20),
        ("works-query-widget-cursor-page2.json", 20),
        ("works-query-widget-cursor-page3.json", 20),
        ("works-query-ecology-rows2.json", 2),
        ("works-query-ecology-query-author.json", 20),
        ("works-query-ecology-select-doi-title.json", 20),
        ("work-10.1371-journal.pone.0033693.json", 1),
        ("members-2984-works-rows0-facet-issn.json", 0),
    ],
)
def test_every_recorded_page_maps_one_work_per_record(name: str, count: int) -> None:
    works = parse(name)
    assert len(works) == count
    for work in works:
        assert work.doi == work.doi.lower()
        assert not work.doi.startswith("http")
        assert work.source == "crossref"


def test_full_record_mapping() -> None:
    (work,) = parse("work-10.1371-journal.pone.0033693.json")
    assert work.doi == "10.1371/journal.pone.0033693"
    assert work.title.startswith("Methylphenidate Exposure Induces Dopamine Neuron Loss")
    assert work.year == 2012
    assert work.venue == "PLoS ONE"
    assert work.volume == "7" and work.issue == "3" and work.pages == "e33693"
    assert work.issn == ("1932-6203",)
    assert work.type == "journal-article"
    assert all(", " in a for a in work.authors)
    assert work.updated == "2026-06-06T19:55:37Z"


def test_jats_abstract_and_authors() -> None:
    work = parse("works-query-ecology-query-author.json")[0]
    assert work.authors[0] == "Boettiger, Carl"
    assert work.abstract.startswith("Encouraged by decision makers")
    assert "<" not in work.abstract


def test_sparse_select_records_still_map() -> None:
    works = parse("works-query-ecology-select-doi-title.json")
    assert works[0].title == "Communicating Ecology"
    assert works[0].year is None and works[0].authors == ()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("error-400-rows-not-integer.json", "less than or equal to 1000"),
        ("error-400-filter-not-allowed-on-route.json", "Filter 'from-pub-date'"),
        ("error-404-cursor-invalid.json", "Cursor specified but it is invalid"),
        ("error-404-work-not-found.txt", "Resource not found."),
    ],
)
def test_error_bodies_name_the_api_message(name: str, message: str) -> None:
    with pytest.raises(FatalAPIError, match="API error") as caught:
        parse(name)
    assert message in str(caught.value)


def test_translation_is_a_broad_bibliographic_query_with_year_filters() -> None:
    request, translation = Crossref(contact="me@example.org").first_request(
        Query('"one-stop service" OR perizinan', 2010, 2024)
    )
    assert request.params["query.bibliographic"] == "one-stop service perizinan"
    assert request.params["filter"] == "from-pub-date:2010,until-pub-date:2024"
    assert request.params["rows"] == "1000"
    assert request.params["mailto"] == "me@example.org"
    assert not translation.exact and "no Boolean search" in translation.notes[0]


def test_since_joins_the_filter_parameter() -> None:
    from datetime import date

    request, _ = Crossref().first_request(Query("x", 2010, None), date(2026, 11, 1))
    assert request.params["filter"] == "from-pub-date:2010,from-index-date:2026-11-01"


@respx.mock
def test_cursor_walk_through_the_core_ends_on_the_empty_page() -> None:
    body1 = json.loads((PAGES / "works-query-widget-cursor-star-page1.json").read_bytes())
    token = body1["message"]["next-cursor"]
    empty = json.loads((PAGES / "works-query-widget-cursor-page3.json").read_bytes())
    empty["message"]["items"] = []
    pages = [
        body1,
        json.loads((PAGES / "works-query-widget-cursor-page2.json").read_bytes()),
        empty,
    ]
    route = respx.get("https://api.crossref.org/works").mock(
        side_effect=[httpx.Response(200, json=p) for p in pages]
    )
    connector = Crossref()
    first, _ = connector.first_request(Query("widget"))
    with HttpClient() as http:

        def fetch(request):  # type: ignore[no-untyped-def]
            return connector.parse_page(http.fetch(request, check=connector.check).content)

        records = [r for _, page in connector.pages(fetch, first) for r in page.records]
    assert len(records) == 40
    assert route.call_count == 3
    assert route.calls[1].request.url.params["cursor"] == token
    assert route.calls[2].request.url.params["cursor"] == token  # Crossref repeats it
