"""Both languages to the screener: an Indonesian article's two titles and two abstracts reach
every export, and the review's screening_language decides which one comes first."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest
import rispy
from hypothesis import given
from hypothesis import strategies as st

from connectors.oai_pmh import OaiPmh
from harvester.languages import _key, guess_language, language_code, screening_order
from harvester.store import open_store
from harvester.work import Text, Work
from tests.conftest import publish_snapshot, run_cli
from tests.test_oai_pmh import BILINGUAL, ojs_record

ID_TITLE = "Pelayanan Perizinan Terpadu Satu Pintu di Kabupaten Sleman"
EN_TITLE = "One-Stop Licensing Services in Sleman Regency"
ID_ABSTRACT = "Abstrak berbahasa Indonesia."
EN_ABSTRACT = "English abstract."


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Pelayanan terpadu satu pintu dan kualitas layanan publik di kota", "id"),
        ("One-stop integrated services and the quality of public services", "en"),
        ("Inovasi layanan publik", None),  # too few common words to say
    ],
)
def test_language_guess_needs_clear_evidence(text: str, language: str | None) -> None:
    assert guess_language(text) == language


def test_language_names_and_codes() -> None:
    assert [language_code(v) for v in ("English", "eng", "en_US", "Bahasa Indonesia", "ind")] == [
        "en",
        "en",
        "en",
        "id",
        "id",
    ]


def test_screening_order_moves_the_preferred_language_first() -> None:
    texts = [Text("Judul", "id"), Text("Title", "en")]
    assert screening_order(texts, "en") == [Text("Title", "en"), Text("Judul", "id")]
    assert screening_order(texts, "fr") == texts


def test_an_ojs_record_keeps_both_abstracts_with_their_languages() -> None:
    (work,) = OaiPmh().parse(ojs_record(*BILINGUAL, "<dc:language>ind</dc:language>"))
    assert work.abstracts == (Text(ID_ABSTRACT, "id"), Text(EN_ABSTRACT, "en"))
    assert work.titles == (Text(ID_TITLE, "id"), Text(EN_TITLE, "en"))
    assert work.abstract == ID_ABSTRACT  # the article's own language first, as before


def bilingual_store(tmp_path: Path) -> tuple[Path, Path]:
    """A store whose one snapshot holds the bilingual OJS article, and its review file."""
    (work,) = OaiPmh().parse(ojs_record(*BILINGUAL, "<dc:language>ind</dc:language>"))
    review = tmp_path / "review.toml"
    write_language(review, "en")
    db = tmp_path / "store.duckdb"
    publish_snapshot(db, review, [replace(work, source="sawala", source_id="929")])
    return review, db


def write_language(review: Path, language: str) -> None:
    review.write_text(
        f'[review]\nid = "bi"\nscreening_language = "{language}"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "files"\nname = "sawala"\npath = "none/*.csv"\n',
        encoding="utf-8",
    )


def export(review: Path, db: Path, fmt: str) -> str:
    out = review.parent / f"out.{fmt}"
    result = run_cli("export", review, "--db", db, "--format", fmt, "--out", out)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "first", "other"),
    [
        ("en", (EN_TITLE, EN_ABSTRACT), (ID_TITLE, ID_ABSTRACT, "id")),
        ("id", (ID_TITLE, ID_ABSTRACT), (EN_TITLE, EN_ABSTRACT, "en")),
    ],
)
def test_both_languages_reach_every_export(
    tmp_path: Path, language: str, first: tuple[str, str], other: tuple[str, str, str]
) -> None:
    review, db = bilingual_store(tmp_path)
    write_language(review, language)
    title, abstract = first
    other_title, other_abstract, code = other

    (ris,) = rispy.loads(export(review, db, "ris"))
    assert (ris["title"], ris["translated_title"], ris["abstract"]) == (
        title,
        other_title,
        abstract,
    )
    assert f"Abstract [{code}] {other_abstract}" in ris["notes"]

    (bib,) = bibtexparser.parse_string(export(review, db, "bibtex")).entries
    assert (bib["title"], bib["abstract"]) == (title, abstract)
    assert (bib[f"title_{code}"], bib[f"abstract_{code}"]) == (other_title, other_abstract)

    for fmt in ("csv", "asreview"):
        (row,) = csv.DictReader(io.StringIO(export(review, db, fmt)))
        assert (row["title"], row["abstract"]) == (title, abstract)
        assert (row["title_language"], row["abstract_language"]) == (language, language)
        assert row["other_titles"] == f"[{code}] {other_title}"
        assert row["other_abstracts"] == f"[{code}] {other_abstract}"

    (rayyan,) = csv.DictReader(io.StringIO(export(review, db, "rayyan")))
    assert (rayyan["title"], rayyan["abstract"]) == (title, abstract)
    assert f"other titles: [{code}] {other_title}" in rayyan["notes"]
    assert f"other abstracts: [{code}] {other_abstract}" in rayyan["notes"]


def test_a_cluster_gathers_the_titles_of_all_its_members(tmp_path: Path) -> None:
    """Crossref's English-only copy and the journal's bilingual record are one cluster: the
    snapshot keeps both languages whichever member is the canonical one."""
    (ojs,) = OaiPmh().parse(ojs_record(*BILINGUAL, "<dc:language>ind</dc:language>"))
    doi = "10.1234/jap.v12i2.929"
    crossref = Work(
        "crossref",
        doi,
        doi=doi,
        title=EN_TITLE,
        authors=("Wibowo, Agus", "Rahmawati"),
        year=2021,
        venue="Jurnal Administrasi Publik",
        volume="12",
        issue="2",
        pages="101-115",
        abstract="A much longer English abstract from the publisher, so this copy is the one "
        "the snapshot exports.",
        type="journal-article",
        issn=("2548-7647",),
        keywords=("licensing",),
        published="2021-06-30",
    )
    works = [replace(ojs, source="sawala", source_id="929", doi=doi), crossref]
    review = tmp_path / "review.toml"
    write_language(review, "en")
    db = tmp_path / "store.duckdb"
    publish_snapshot(db, review, works)
    with open_store(db, read_only=True) as store:
        records = [r[0] for r in store.rows("SELECT record FROM snapshot_members")]
    (record,) = records  # one cluster
    assert ID_TITLE in record and EN_TITLE in record and ID_ABSTRACT in record


@given(st.text())
def test_text_key_keeps_exactly_the_letters_and_digits(text: str) -> None:
    folded = unicodedata.normalize("NFKD", text.casefold())
    assert _key(text) == "".join(c for c in folded if c.isalnum())


def test_text_key_of_made_up_texts() -> None:
    assert _key("Pérez_García, 2019 — Ⅻ ٣") == "perezgarcia2019xii٣"
