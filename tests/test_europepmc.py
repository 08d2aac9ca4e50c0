"""Europe PMC mapping on the recorded JSON, XML and Dublin Core pages, and a cursor harvest
through the loopback replay server."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from connectors.europepmc import EuropePMC
from harvester.query import Query
from harvester.replay import ReplayServer, Route
from harvester.store import Store
from harvester.testing import RecordedFetch
from harvester.work import Work
from tests.conftest import API, run_at, write_review

PAGES = API / "europepmc"


def parse(name: str) -> list[Work]:
    return EuropePMC().parse((PAGES / name).read_bytes())


def by_id(works: list[Work]) -> dict[str, Work]:
    return {w.source_id: w for w in works}


def test_lite_records_pmid_pmcid_and_preprints() -> None:
    works = by_id(parse("search-cancer-pagesize100-page2.json"))
    med = works["MED:40526173"]
    assert med.ids == {"pmid": "40526173", "pmcid": "PMC12173986"}
    assert med.doi == "10.1007/s12672-025-02955-9"
    assert (med.venue, med.volume, med.issue, med.pages) == ("Discov Oncol", "16", "1", "1132")
    assert med.authors[:2] == ("Lei, Y", "He, X")
    pmc = works["PMC:PMC12144630"]
    assert pmc.ids == {"pmcid": "PMC12144630"} and pmc.doi is None
    assert pmc.authors[:2] == ("ZHANG, C", "LIU, Y")  # "Family INITIALS", even in capitals
    assert pmc.year == 2025  # no pubYear: the first publication date's
    preprint = works["PPR:PPR1036694"]
    assert preprint.type == "preprint" and preprint.ids == {"ppr": "PPR1036694"}
    assert preprint.venue == "bioRxiv" and preprint.doi == "10.1101/2025.06.10.658949"
    assert works["MED:40517636"].type == "review"  # "review-article; review; journal article"


def test_author_strings_with_suffixes() -> None:
    works = by_id(parse("search-cancer-pagesize100-page2.json"))
    assert works["PMC:PMC12144923"].authors[0] == "McClelland III, S"
    assert works["PMC:PMC12144608"].authors[0] == "ELAHI NAJAFI, M"


def test_xml_and_dublin_core_pages_map_like_json() -> None:
    json_page = parse("search-cancer-lite-cursor-star.json")
    xml_page = parse("search-cancer-lite.xml")
    dc_page = parse("search-cancer-dc.xml")
    assert [w.source_id for w in xml_page] == [w.source_id for w in json_page]
    assert [w.doi for w in dc_page] == [w.doi for w in json_page]
    assert [w.ids for w in dc_page] == [w.ids for w in json_page]
    assert xml_page == json_page
    first = dc_page[0]
    assert first.authors == ("Schoenfeld, JD", "Haas-Kogan, DA", "O'Neill, AF")
    assert (first.venue, first.volume, first.issue, first.pages) == (
        "Lancet (London, England)",
        "404",
        "10471",
        "2603-2604",
    )
    assert sum(1 for w in dc_page if w.abstract) == 21  # dcterms:abstract, where present


def test_core_record() -> None:
    # The shape of resultType=core (no recording of it exists): lists, journal, abstract.
    raw = {
        "id": "PMC1",
        "source": "PMC",
        "pmcid": "PMC1",
        "doi": "10.5555/X",
        "title": "A <i>core</i> record.",
        "authorList": {
            "author": [
                {"fullName": "Santoso B", "firstName": "Budi", "lastName": "Santoso"},
                {"collectiveName": "Health Policy Study Group"},
                {"fullName": "Wibowo S"},
            ]
        },
        "journalInfo": {
            "volume": "3",
            "issue": "2",
            "yearOfPublication": 2024,
            "journal": {"title": "Jurnal Kebijakan Kesehatan", "issn": "1410-6515"},
        },
        "abstractText": "<h4>Background</h4>Permits take long.",
        "language": "ind",
        "pubTypeList": {"pubType": ["Retracted Publication", "Journal Article"]},
        "keywordList": {"keyword": ["perizinan"]},
        "meshHeadingList": {"meshHeading": [{"descriptorName": "Licensure"}]},
    }
    work = EuropePMC().to_work(raw)
    assert work.authors == ("Santoso, Budi", "Health Policy Study Group", "Wibowo, S")
    assert (work.title, work.abstract) == ("A core record", "Background Permits take long.")
    assert (work.venue, work.year, work.language) == ("Jurnal Kebijakan Kesehatan", 2024, "id")
    assert work.issn == ("1410-6515",) and work.keywords == ("perizinan", "Licensure")
    assert work.retracted and work.type == "journal-article" and work.doi == "10.5555/x"


def test_query_years_and_since_fields() -> None:
    request, translation = EuropePMC().first_request(Query("a OR b", 2010, 2026), date(2026, 1, 5))
    assert request.params["query"] == (
        "(TITLE_ABS:a OR TITLE_ABS:b) AND PUB_YEAR:[2010 TO 2026]"
        " AND FIRST_IDATE:[2026-01-05 TO 3000-12-31]"
    )
    assert (request.params["resultType"], request.params["pageSize"]) == ("core", "1000")
    assert translation.exact  # plain words in title/abstract: Europe PMC searches them as asked
    updated = EuropePMC(settings={"since_field": "UPDATE_DATE"}).since_params(date(2026, 1, 5))
    assert updated == {"query": "UPDATE_DATE:[2026-01-05 TO 3000-12-31]"}


def test_a_page_echoing_its_cursor_ends_the_walk() -> None:
    first = (PAGES / "search-cancer-pagesize100-page1-cursor-star.json").read_bytes()
    echoed = json.loads((PAGES / "search-cancer-pagesize100-page2.json").read_bytes())
    echoed["nextCursorMark"] = json.loads(first)["nextCursorMark"]  # the cursor it was sent
    connector = EuropePMC()
    fetch = RecordedFetch(connector, [first, json.dumps(echoed).encode()], totals=False)
    start, _ = connector.first_request(Query("cancer"))
    pages = [page for _, page in connector.pages(fetch, start)]
    assert [len(p.records) for p in pages] == [100, 100]


def test_cursor_harvest_ends_on_the_empty_page_and_reruns_since_the_watermark(
    store: Store, tmp_path: Path
) -> None:
    tokens = ["*", "AoIIP4T93Cg1MzE0OTUzNA==", "AoIIP4QUSig1MzEzNTg1NA=="]
    bodies = [
        "search-cancer-pagesize100-page1-cursor-star.json",
        "search-cancer-pagesize100-page2.json",
        "search-no-results.json",
    ]
    routes = [
        Route("/europepmc/search", PAGES / body, query={"cursorMark": token})
        for token, body in zip(tokens, bodies, strict=True)
    ]
    with ReplayServer(routes=routes) as server:
        review = write_review(
            tmp_path / "r.toml", server.url, sources=("europepmc",), query="cancer"
        )
        results = [run_at(store, review, datetime(2026, 3, day)).sources[0] for day in (1, 8)]
        asked = server.received()
    assert [(r.status, r.records, r.requests) for r in results] == [("ok", 200, 3)] * 2
    assert store.value("SELECT count(*) FROM raw_records") == 200
    assert [r["params"]["cursorMark"] for r in asked] == tokens * 2
    assert asked[0]["params"]["query"] == "TITLE_ABS:cancer"
    assert (
        asked[3]["params"]["query"] == "TITLE_ABS:cancer AND FIRST_IDATE:[2026-02-27 TO 3000-12-31]"
    )
