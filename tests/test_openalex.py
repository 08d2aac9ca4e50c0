"""OpenAlex mapping on real recorded responses."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.openalex import OpenAlex, abstract_text
from harvester.errors import FatalAPIError, UnexpectedResponseError
from harvester.query import Query
from tests.conftest import API

PAGES = API / "openalex"


def parse(name: str) -> list:  # type: ignore[type-arg]
    return OpenAlex().parse((PAGES / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("works-filter-cited_by-cursor-star.json", 38),
        ("works-filter-openalex-ids-cursor-star.json", 2),
        ("works-filter-openalex-ids-page1-perpage1.json", 1),
        ("works-filter-openalex-ids-cursor-last-empty.json", 0),
        ("work-W2162348455.json", 1),
        ("works-search-filter-page1-select-ids.json", 1),
    ],
)
def test_every_recorded_page_maps_one_work_per_record(name: str, count: int) -> None:
    works = parse(name)
    assert len(works) == count
    for work in works:
        assert work.source_id.startswith("W")
        assert work.ids["openalex"] == work.source_id
        assert work.doi is None or (work.doi == work.doi.lower() and work.doi.startswith("10."))


def test_a_group_by_page_is_an_unexpected_response_not_zero_works() -> None:
    # Counts per type, no `results`: harvester never asks for it, so it is never "0 records".
    with pytest.raises(UnexpectedResponseError, match="no results in the page"):
        parse("works-group-by-type.json")


def test_full_record_mapping() -> None:
    (work,) = parse("work-W2162348455.json")
    assert work.doi == "10.1038/35002501"
    assert work.ids["pmid"] == "10706275"
    assert work.venue == "Nature"
    assert work.issn == ("0028-0836", "1476-4687")
    assert work.updated.startswith("2026-03-01")


def test_authors_are_family_given() -> None:
    work = parse("works-filter-openalex-ids-cursor-star.json")[0]
    assert work.authors == ("Nishioka, Chifumi", "Färber, Michael")
    assert work.pages == "503-504"


def test_ids_only_record() -> None:
    (work,) = parse("works-search-filter-page1-select-ids.json")
    assert work.source_id == "W2162348455"
    assert work.doi == "10.1038/35002501"
    assert work.title is None


def test_abstract_is_rebuilt_from_the_inverted_index() -> None:
    assert abstract_text({"world": [1], "Hello": [0], "again": [3], "hello": [2]}) == (
        "Hello world hello again"
    )
    works = parse("works-filter-cited_by-cursor-star.json")
    assert any(w.abstract and len(w.abstract) > 200 for w in works)


@pytest.mark.parametrize(
    "name", ["error-400-invalid-filter-field.json", "error-400-invalid-select-field.json"]
)
def test_error_bodies_name_the_api_message(name: str) -> None:
    with pytest.raises(FatalAPIError, match="Invalid query parameters error"):
        parse(name)


def test_bad_api_key_body() -> None:
    with pytest.raises(FatalAPIError, match="Invalid or missing API key"):
        OpenAlex().parse(b'{"error":"Invalid or missing API key"}')


def test_translation_and_incremental_filter() -> None:
    connector = OpenAlex(api_key="k", settings={"since_filter": "from_created_date"})
    request, translation = connector.first_request(
        Query("licens* AND kota", 2015, 2020), date(2026, 1, 2)
    )
    assert request.params["filter"] == (
        "title_and_abstract.search:licens* AND kota,from_publication_date:2015-01-01,"
        "to_publication_date:2020-12-31,from_created_date:2026-01-02"
    )
    assert request.params["per-page"] == "200"
    assert request.params["api_key"] == "k"
    # OpenAlex stems words, so its answer is wider than the strategy: never exact.
    assert not translation.exact
    assert any("stems words" in note for note in translation.notes)
