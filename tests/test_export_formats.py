"""Each real database export (tests/fixtures/exports/README.md) is recognised and read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.dedup.shapes import citation
from harvester.errors import InputError
from harvester.filesources.databases import recognise_database
from harvester.inputs import detect_format, read_file
from tests.conftest import FIXTURES

EXPORTS = FIXTURES / "exports"


@pytest.mark.parametrize(
    ("name", "fmt", "count", "database"),
    [
        ("scopus.csv", "csv", 1, "Scopus"),
        ("pubmed.csv", "csv", 4, None),
        ("wos-plain.txt", "wos", 1, "Web of Science"),
        ("wos-tab.txt", "wos", 1, "Web of Science"),
        ("wos.bib", "bibtex", 2, "Web of Science"),
        ("embase.ris", "ris", 2, "Embase"),
        ("ovid-embase.cgi", "ovid", 2, "Embase"),
        ("medline.nbib", "medline", 2, "PubMed"),
        ("endnote20.xml", "endnote", 2, None),
        ("zotero-csl.json", "csljson", 2, None),
        ("csl-item.json", "csljson", 1, None),
    ],
)
def test_every_export_is_recognised_by_content(
    tmp_path: Path, name: str, fmt: str, count: int, database: str | None
) -> None:
    # The name says nothing: the content decides.
    copy = tmp_path / "export.dat"
    copy.write_bytes((EXPORTS / name).read_bytes())
    assert detect_format(copy) == fmt
    assert len(read_file(copy)) == count
    assert recognise_database(copy.read_text(encoding="utf-8")) == database


def test_scopus_csv_pages_eid_and_initials() -> None:
    (record,) = read_file(EXPORTS / "scopus.csv")
    work = record.work
    assert record.record_id == "2-s2.0-27344436659"
    assert work.authors[:2] == ("Phillips, J.C.", "Braun, R.")
    assert (work.volume, work.issue, work.pages) == ("26", "16", "1781-1802")
    assert work.doi == "10.1002/jcc.20289"
    assert work.language == "English"


def test_wos_plain_text_joins_wrapped_titles_and_keeps_full_names() -> None:
    (record,) = read_file(EXPORTS / "wos-plain.txt")
    work = record.work
    assert work.title is not None and work.title.endswith("in Expert Mathematics")
    assert "\n" not in work.title and "  " not in work.title
    assert work.authors == ("Marghetis, Tyler", "Nunez, Rafael")
    assert (work.year, work.pages, work.doi) == (2013, "299-316", "10.1111/tops.12013")
    assert record.record_id == "WOS:000317623000007"
    assert work.ids["pmid"] == "23460466"


def test_wos_tab_delimited_splits_authors_and_reads_begin_and_end_pages() -> None:
    (record,) = read_file(EXPORTS / "wos-tab.txt")
    # PG in Web of Science is the page count (4), never the pages.
    assert record.work.pages == "1014-1017"
    assert record.work.authors == ("Piersanti, Stefano", "Orlandi, Antonio")
    assert record.record_id == "WOS:000423122600025"


def test_ovid_records_have_no_ty_or_er_and_unindented_paragraphs() -> None:
    first, second = read_file(EXPORTS / "ovid-embase.cgi")
    assert first.record_id == "621381829"  # Embase accession number (UI)
    # A meeting abstract keeps its whole source line: the meeting's name is in it.
    assert first.work.venue is not None
    assert first.work.venue.startswith("BMC Proceedings. Conference: ")
    cited = citation(first.work)
    assert cited.journal == "BMC Proceedings"
    assert cited.conference is not None and cited.conference.startswith("2nd BEAT-PCD")
    assert (first.work.volume, first.work.issue, first.work.pages) == ("12", "Supplement 3", None)
    assert first.work.abstract is not None
    assert "Method(s): We searched MEDLINE" in first.work.abstract
    assert "Conclusion(s)" in first.work.abstract
    # Both conference abstracts carry the supplement's DOI: they stay two records here.
    assert first.work.doi == second.work.doi == "10.1186/s12919-018-0099-8"


def test_embase_ris_uses_reference_manager_tags() -> None:
    first, second = read_file(EXPORTS / "embase.ris")
    assert first.work.title == (
        "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    )
    assert first.work.authors == ("Liu, R.", "Adler, D.G.")
    assert first.work.abstract is not None and first.work.abstract.startswith("Gastrointestinal")
    assert second.work.year == 2018


def test_endnote_20_values_inside_style_runs() -> None:
    first, second = read_file(EXPORTS / "endnote20.xml")
    assert first.work.title == "A test item (with a citekey)"
    assert second.work.authors == ("Author, Test Jr.",)
    assert (first.work.year, first.record_id) == (2021, "1")


def test_csl_json_string_years_single_items_and_publisher_objects() -> None:
    tenopir, patrias = read_file(EXPORTS / "zotero-csl.json")
    assert tenopir.work.year == 2015  # "2015" as a string in date-parts
    assert tenopir.work.pages == "e0134826"
    assert tenopir.record_id == "tenopirChangesDataSharing2015"
    assert patrias.work.type == "book"
    (item,) = read_file(EXPORTS / "csl-item.json")
    assert (item.work.year, item.work.venue) == (2016, "DataCite Blog")


def test_medline_reads_both_records() -> None:
    first, second = read_file(EXPORTS / "medline.nbib")
    assert first.work.doi == "10.1016/j.gene.2015.10.064"
    assert second.work.ids["pmid"] == "26788838"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", "Searched Scopus on 2 May.\n", "matches no export format"),
        ("cut.txt", "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI Half", "cut short"),
        ("cut.tsv", "PT\tAU\tTI\tSO\tPY\nJ\tDoe, J\tTitle", "export cut short (3 of 5 columns)"),
        ("cut.json", '[{"title": "A", "type": "book"}, {"title": "B', "export cut short?"),
    ],
)
def test_unreadable_exports_name_the_file(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
