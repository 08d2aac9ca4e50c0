"""Readers of the files reviewers bring: one small hand-made export per format."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from harvester.errors import InputError
from harvester.inputs import detect_format, read_file, read_inputs
from tests.conftest import FIXTURES

INPUTS = FIXTURES / "inputs"


def test_ris_reads_ids_authors_pages_and_translated_title() -> None:
    records = read_file(INPUTS / "scopus.ris")
    assert [r.record_id for r in records] == ["S1", "S2", "S3"]
    first = records[0].work
    assert first.authors == ("Pratama, Budi", "Lestari, Sri")
    assert first.doi == "10.1234/jap.2021.012"
    assert first.pages == "101-115"
    assert first.other_titles == (
        "One-stop integrated services and the quality of public services",
    )
    assert records[1].work.title == "OPEN SOURCE SOFTWARE IN E-GOVERNMENT : A SYSTEMATIC REVIEW"


def test_bibtex_decodes_latex_and_keeps_the_citation_key() -> None:
    records = read_file(INPUTS / "wos.bib")
    assert [r.record_id for r in records] == ["smith2019", "garcia2020", "garcia2020b"]
    assert records[1].work.authors[0] == "García, María"
    assert records[1].work.type == "inproceedings"
    assert (
        records[1].work.venue
        == "Proceedings of the International Conference on Electronic Government"
    )


def test_csv_columns_are_found_case_insensitively_and_glued_authors_split() -> None:
    records = read_file(INPUTS / "embase.csv")
    assert records[0].record_id == "E-1"
    assert records[0].work.authors == ("Pratama, B.", "Lestari, S.")
    assert records[0].work.year == 2021


def test_gzipped_csv_and_position_ids(tmp_path: Path) -> None:
    path = tmp_path / "export.csv.gz"
    path.write_bytes(
        gzip.compress(b"TITLE,AUTHORS\nA study of things,Doe J\n\nAnother one,Roe K\n")
    )
    records = read_file(path)
    assert [(r.record_id, r.position) for r in records] == [("1", 1), ("2", 2)]


def test_endnote_xml_uses_rec_number_and_styled_text() -> None:
    records = read_file(INPUTS / "endnote.xml")
    assert [r.record_id for r in records] == ["17", "18"]
    assert records[0].work.doi == "10.1016/j.giq.2019.01.004"
    assert records[0].work.authors == ("Smith, J.", "Jones, K.")


def test_medline_joins_continuation_lines_and_finds_the_doi() -> None:
    records = read_file(INPUTS / "pubmed.nbib")
    first = records[0].work
    assert records[0].record_id == "31234567"
    assert first.abstract == "We surveyed households in three states about mobile money."
    assert first.doi == "10.1177/0266666920000001"
    assert first.ids["pmid"] == "31234567"
    assert records[1].work.type == "preprint"


def test_every_record_remembers_its_file() -> None:
    records = read_inputs([INPUTS / "scopus.ris", INPUTS / "pubmed.nbib"])
    assert {r.file for r in records} == {str(INPUTS / "scopus.ris"), str(INPUTS / "pubmed.nbib")}


def test_format_is_sniffed_when_the_extension_says_nothing(tmp_path: Path) -> None:
    for name, fmt in (("scopus.ris", "ris"), ("pubmed.nbib", "medline"), ("wos.bib", "bibtex")):
        copy = tmp_path / f"{name}.txt"
        copy.write_bytes((INPUTS / name).read_bytes())
        assert detect_format(copy) == fmt


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty file"),
        ("blank.ris", b"\n\n", "empty file"),
        ("latin1.csv", b"Title,Author\nCaf\xe9 society,Doe J\n", "line 2: not valid UTF-8"),
        ("notitle.csv", b"Author,Year\nDoe J,2020\n", "no title column"),
        ("bad.xml", b"<xml><records><record>", "not well-formed"),
        ("bad.bib", b"@article{x, title={unclosed", "not a readable BibTeX entry"),
        ("bad.ris", b"just some text\n", "not a RIS file"),
        ("header.csv", b"Title,Author\n", "no records"),
    ],
)
def test_bad_input_names_the_file(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_an_original_language_title_on_its_own_line_is_another_title(tmp_path: Path) -> None:
    # Made up, in the shape Ovid writes: the English title, its language note, then on the
    # next line the title as first published. Every input path reads it the same way.
    export = tmp_path / "ovid.csv"
    export.write_text(
        'Title,Authors,Year\n"Cerebral protection in stenting. [German]\n'
        'Zerebrale Protektion beim Stenting",Muller A,2009\n',
        encoding="utf-8",
    )
    (record,) = read_file(export)
    assert record.work.title == "Cerebral protection in stenting. [German]"
    assert record.work.other_titles == ("Zerebrale Protektion beim Stenting",)
