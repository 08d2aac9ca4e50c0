"""PubMed mapping and error bodies, on the recorded E-utilities responses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from connectors.pubmed import PubMed
from harvester.errors import ConfigError, FatalAPIError, ProtocolError, RetriableAPIError
from harvester.http import Response
from harvester.query import Query
from harvester.review import load_review
from harvester.work import Work
from tests.conftest import API, run_cli

PAGES = API / "pubmed"
HTML = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body/></html>"


def parse(name: str) -> list[Work]:
    return PubMed().parse((PAGES / name).read_bytes())


def articles(name: str) -> list[etree._Element]:
    return list(PubMed().parse_page((PAGES / name).read_bytes()).records)


def test_journal_article_fields() -> None:
    (work,) = parse("efetch-pubmed-29963580.xml")
    # The record's own DOI, not one of the 50 in its reference list.
    assert work.doi == "10.1117/1.jmi.5.2.026002"
    assert work.ids == {"pmid": "29963580", "pmcid": "PMC6022861"}
    assert work.authors[:2] == ("Guo, Fumin", "Capaldi, Dante")
    assert work.authors[-1] == "Canadian Respiratory Research Network"  # a group, kept whole
    assert (work.volume, work.issue, work.pages) == ("5", "2", "026002")
    assert (work.year, work.published, work.language) == (2018, "2018-04", "en")
    assert work.venue == "Journal of medical imaging (Bellingham, Wash.)"
    assert "asthma" in work.keywords and work.type == "journal-article"
    assert work.url == "https://pubmed.ncbi.nlm.nih.gov/29963580/"


def test_review_type_mesh_headings_and_no_doi() -> None:
    first, second = parse("efetch-pubmed-12091962-9997-abstract.xml")
    assert first.type == "review"  # "Journal Article" and "Review": the more specific wins
    assert first.doi is None and first.abstract is None
    assert {"Prisoners", "Legal Approach"} <= set(first.keywords)  # MeSH and author keywords
    assert (first.pages, first.published) == ("113-25", "1990")
    assert second.doi == "10.1016/0005-2795(76)90109-4"
    assert second.published == "1976-09-28"  # month written "Sep"


def test_doi_found_in_elocation_id_when_the_id_list_lacks_it() -> None:
    (record,) = articles("efetch-pubmed-29963580.xml")
    own = record.find("PubmedData/ArticleIdList/ArticleId[@IdType='doi']")
    own.getparent().remove(own)
    assert PubMed().to_work(record).doi == "10.1117/1.jmi.5.2.026002"


def test_medline_date_and_translated_title() -> None:
    (record,) = articles("efetch-pubmed-29963580.xml")
    pub_date = record.find(".//JournalIssue/PubDate")
    for child in list(pub_date):
        pub_date.remove(child)
    etree.SubElement(pub_date, "MedlineDate").text = "1998 Dec-1999 Jan"
    title = record.find(".//Article/ArticleTitle")
    title.text = "[Online licensing in district health offices]."
    etree.SubElement(record.find(".//Article"), "VernacularTitle").text = "Perizinan online."
    work = PubMed().to_work(record)
    assert (work.year, work.published) == (1998, "1998")
    assert work.title == "Online licensing in district health offices"
    assert work.other_titles == ("Perizinan online",)


def test_book_chapter_and_whole_book() -> None:
    chapter, book = parse("synthetic-efetch-book-articles.xml")
    assert chapter.type == "book-chapter" and book.type == "book"
    assert chapter.title == "Licensing of primary care clinics through one-stop services"
    assert chapter.venue == "Handbook of Health Service Administration"
    assert chapter.authors == ("Santoso, Budi", "Health Policy Study Group")  # editors left out
    assert chapter.abstract == (
        "BACKGROUND: Clinics need several permits before they open. "
        "CONCLUSIONS: One-stop services shortened the wait."
    )
    assert chapter.doi == "10.5555/handbook.ch3"
    assert chapter.ids == {"pmid": "99000001", "isbn": "9780000000002"}
    assert (chapter.year, chapter.published) == (2021, "2021-03")
    assert book.title == "Handbook of Health Service Administration"
    assert book.venue == "Example University Press"
    assert book.authors == () and book.language == "id"


def test_pmc_efetch_article() -> None:
    (work,) = parse("efetch-pmc-2682512-3468381.xml")
    assert work.source_id == "34527728"
    assert work.ids == {"pmid": "34527728", "pmcid": "PMC8435807"}
    assert work.doi == "10.1183/23120541.50193-2021"
    assert work.type == "erratum"  # article-type="correction"
    assert work.title.endswith("ERJ Open Res 2021; 7: 00193-2021")  # <italic> text kept in place
    assert (work.venue, work.volume, work.issue) == ("ERJ Open Research", "7", "3")
    assert (work.year, work.published) == (2021, "2021-09-13")  # the epub date


def test_esearch_pages_list_ids_only() -> None:
    page = PubMed().parse_page(
        (PAGES / "esearch-nlmcatalog-partial-phrasenotfound.xml").read_bytes()
    )
    # ErrorList/PhraseNotFound for one term beside 5163 hits: the hits stand.
    assert (page.total, len(page.records)) == (5163, 20)
    works = parse("esearch-pubmed-retstart6-retmax6.xml")
    assert [w.ids["pmid"] for w in works] == [w.source_id for w in works]
    assert works[0].source_id == "11121077" and works[0].title is None


def test_no_hits_with_phrase_not_found_is_an_empty_result() -> None:
    assert parse("esearch-protein-no-results-phrasenotfound.xml") == []


def check(body: bytes, status: int = 200) -> None:
    PubMed().check(Response(status, body, {}, "https://eutils.ncbi.nlm.nih.gov/x"))


def test_error_bodies() -> None:
    with pytest.raises(FatalAPIError, match="Invalid db name specified: fleegle"):
        check((PAGES / "esearch-error-invalid-db.xml").read_bytes())
    with pytest.raises(RetriableAPIError) as limited:
        check((PAGES / "synthetic-rate-limit-exceeded.json").read_bytes())
    assert limited.value.throttled
    history_gone = (
        b'<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>\n\t<ERROR>Cannot retrieve '
        b"history data: OUT OF RANGE.</ERROR>\n</eFetchResult>"
    )
    with pytest.raises(FatalAPIError, match="HTTP 400: Cannot retrieve history data"):
        check(history_gone, 400)


def test_an_html_page_is_named_as_such(tmp_path: Path) -> None:
    check(HTML)  # status 200 and no NCBI error: the page itself must say what it is
    with pytest.raises(ProtocolError, match="expected XML but received an HTML page"):
        PubMed().parse_page(HTML)
    saved = tmp_path / "page.html"
    saved.write_bytes(HTML)
    result = run_cli("connectors", "parse", "pubmed", saved)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: pubmed: expected XML but received an HTML page: <!DOCTYPE html> <html><head>"
        "<title>503 Service Unavailable</title></head><body/></html> "
        "(its title: '503 Service Unavailable'; a maintenance or error page?)"
    ]


def test_query_years_and_since() -> None:
    connector = PubMed(contact="me@example.org", api_key="k")
    request, translation = connector.first_request(
        Query("licens* AND clinic", 2010, 2026), date(2026, 1, 2)
    )
    assert request.params["term"] == "(licens*[tiab] AND clinic[tiab]) AND 2010:2026[dp]"
    assert request.params["datetype"] == "edat"
    assert (request.params["mindate"], request.params["maxdate"]) == ("2026/01/02", "3000/12/31")
    assert request.params["usehistory"] == "y" and request.params["retmax"] == "0"
    assert request.params["tool"] == "harvester" and request.params["email"] == "me@example.org"
    assert request.params["api_key"] == "k"
    assert not translation.exact and translation.notes
    assert (connector.polite_rate(), PubMed().polite_rate()) == (10.0, 3.0)


def test_option_values_are_checked_when_the_review_loads(tmp_path: Path) -> None:
    review = tmp_path / "review.toml"
    review.write_text(
        '[review]\ntitle = "t"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "pubmed"\nbatch_size = 0\n'
        '[[sources]]\nconnector = "europepmc"\nsince_field = "INDEX_DATE"\n'
        '[[sources]]\nconnector = "arxiv"\nsince_field = "submittedDate"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_review(review)
    assert raised.value.problems == [
        f"{review}: line 7: sources[1].batch_size: must be a whole number from 1 to 10000",
        f"{review}: line 10: sources[2].since_field: must be one of FIRST_IDATE, UPDATE_DATE, "
        "CREATION_DATE",
    ]
