"""Every export format reads back in its own reader, one entry per cluster, no field lost.

The snapshot is the demo harvest (96 clusters of real Crossref and OpenAlex records), written
by the CLI and read back with rispy, bibtexparser, the csv module and json.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy

from harvester.exports import load_snapshot_records
from harvester.exports.notes import record_note
from harvester.exports.ris import ris_url
from harvester.exports.screening_tools import RAYYAN_COLUMNS
from harvester.exports.table import neutralize
from harvester.exports.text import printable
from harvester.replay import ReplayServer
from harvester.store import open_store
from tests.conftest import REPLAY, run_cli, write_review


def cell(value: Any) -> str:
    """What a CSV cell holds for a value: text, lists joined by "; ", formulas neutralized."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    return neutralize(str(value))


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("roundtrip")
    with ReplayServer(REPLAY / "demo") as server:
        # These tests are about snapshots, not the strategy: keep every recorded record.
        review = write_review(tmp / "review.toml", server.url, extra="local_filter = false\n")
        db = tmp / "store.duckdb"
        assert run_cli("run", review, "--db", db).returncode == 0
    with open_store(db, read_only=True) as store:
        _, records = load_snapshot_records(store, "t")
    assert len(records) == 96  # two book chapters are listed under two DOI spellings each
    return review, db, records


def export(harvested: tuple[Path, Path, list], fmt: str) -> str:  # type: ignore[type-arg]
    review, db, _ = harvested
    out = db.parent / f"all.{fmt}"
    result = run_cli("export", review, "--db", db, "--format", fmt, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"wrote 96 records of snapshot 1 to {out}"
    return out.read_text(encoding="utf-8")


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The records as every export writes them: without control characters (Crossref wraps
    a series title in the invisible C1 controls U+0098 and U+009C)."""
    return {r["cluster_id"]: printable(r) for r in records}


def test_ris_reads_back_with_rispy(harvested) -> None:  # type: ignore[no-untyped-def]
    records = by_id(harvested[2])
    entries = rispy.loads(export(harvested, "ris"))
    assert sorted(e["id"] for e in entries) == sorted(records)
    for entry in entries:
        record = records[entry["id"]]
        assert entry.get("title") == record["title"]
        assert entry.get("authors", []) == record["authors"]
        assert entry.get("year") == (str(record["year"]) if record["year"] else None)
        assert entry.get("secondary_title") == record["venue"]
        assert entry.get("abstract") == record["abstract"]
        assert entry.get("doi") == record["doi"]
        assert entry.get("urls", []) == ([ris_url(record["url"])] if record["url"] else [])
        assert entry.get("volume") == record["volume"]
        assert entry.get("number") == record["issue"]
        assert entry.get("keywords", []) == record["keywords"]
        assert entry.get("language") == record["language"]
        assert entry["notes"] == [record_note(record)]
        pages = [entry.get("start_page"), entry.get("end_page")]
        assert "-".join(p for p in pages if p) == (record["pages"] or "").replace("\u2013", "-")


def test_bibtex_reads_back_with_bibtexparser(harvested) -> None:  # type: ignore[no-untyped-def]
    records = by_id(harvested[2])
    library = bibtexparser.parse_string(export(harvested, "bibtex"))
    assert library.failed_blocks == []
    assert sorted(e.key for e in library.entries) == sorted(records)
    for entry in library.entries:
        record = records[entry.key]
        # A backslash is written as BibTeX reads it back (an abstract here holds a literal "\n").
        fields = {
            k: f.value.replace("\\textbackslash{}", "\\") for k, f in entry.fields_dict.items()
        }
        assert fields.get("title") == (record["title"] or None)
        assert fields.get("doi") == record["doi"]
        assert fields.get("abstract") == record["abstract"]
        assert fields.get("author", "") == " and ".join(record["authors"])
        assert fields.get("keywords", "") == ", ".join(record["keywords"])
        assert fields.get("volume") == record["volume"]
        assert fields["note"] == record_note(record)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines(keepends=True)))


def test_csv_reads_back_with_every_column(harvested) -> None:  # type: ignore[no-untyped-def]
    records = by_id(harvested[2])
    table = rows(export(harvested, "csv"))
    assert sorted(r["cluster_id"] for r in table) == sorted(records)
    for row in table:
        record = records[row["cluster_id"]]
        for column, key in [
            ("title", "title"),
            ("abstract", "abstract"),
            ("authors", "authors"),
            ("year", "year"),
            ("journal", "venue"),
            ("doi", "doi"),
            ("url", "url"),
            ("volume", "volume"),
            ("issue", "issue"),
            ("pages", "pages"),
            ("keywords", "keywords"),
            ("type", "type"),
            ("language", "language"),
            ("sources", "sources"),
            ("record_ids", "work_ids"),
        ]:
            assert row[column] == cell(record[key]), (column, row["cluster_id"])
        assert row["retracted"] == ""


def test_asreview_layout_has_its_import_columns(harvested) -> None:  # type: ignore[no-untyped-def]
    records = by_id(harvested[2])
    table = rows(export(harvested, "asreview"))
    assert list(table[0])[:6] == ["title", "abstract", "keywords", "authors", "doi", "url"]
    assert sorted(r["cluster_id"] for r in table) == sorted(records)
    for row in table:
        record = records[row["cluster_id"]]
        for column in ("title", "abstract", "keywords", "authors", "doi", "url", "sources"):
            assert row[column] == cell(record[column])
        assert row["journal"] == cell(record["venue"])


def test_rayyan_layout_has_only_the_columns_its_importer_reads(harvested) -> None:  # type: ignore[no-untyped-def]
    records = by_id(harvested[2])
    table = rows(export(harvested, "rayyan"))
    assert list(table[0]) == list(RAYYAN_COLUMNS)
    assert sorted(r["key"] for r in table) == sorted(records)
    for row in table:
        record = records[row["key"]]
        for column, key in [
            ("title", "title"),
            ("authors", "authors"),
            ("journal", "venue"),
            ("issn", "issn"),
            ("volume", "volume"),
            ("issue", "issue"),
            ("pages", "pages"),
            ("year", "year"),
            ("abstract", "abstract"),
            ("language", "language"),
        ]:
            assert row[column] == cell(record[key]), (column, row["key"])
        doi_link = f"https://doi.org/{record['doi']}" if record.get("doi") else None
        assert row["url"] == cell(record["url"] or doi_link)
        # What Rayyan has no column for survives in notes.
        assert record_note(record) in row["notes"]
        if record.get("doi"):
            assert f"DOI: {record['doi']}" in row["notes"]
        if (record.get("ids") or {}).get("pmid"):
            assert f"PMID: {record['ids']['pmid']}" in row["notes"]
        if record.get("keywords"):
            assert cell(record["keywords"]).lstrip("'") in row["notes"]


def test_jsonl_keeps_every_field(harvested) -> None:  # type: ignore[no-untyped-def]
    records = by_id(harvested[2])
    lines = export(harvested, "jsonl").splitlines()
    assert len(lines) == 96
    for line in lines:
        data = json.loads(line)
        assert data == json.loads(json.dumps(records[data["cluster_id"]], default=str))


def test_csv_like_formats_neutralize_formulas(tmp_path: Path) -> None:
    from harvester.exports import FORMATS

    record = {
        "cluster_id": "C0000001",
        "title": '=HYPERLINK("http://x")',
        "authors": ["@evil, Eve"],
        "abstract": "+1 and -1",
        "sources": ["crossref"],
        "work_ids": ["crossref:10.1/x"],
    }
    for fmt in ("csv", "asreview", "rayyan"):
        out = tmp_path / f"x.{fmt}"
        with out.open("w", encoding="utf-8", newline="") as stream:
            FORMATS[fmt]([record], stream)
        (row,) = rows(out.read_text(encoding="utf-8"))
        assert row["title"] == '\'=HYPERLINK("http://x")'
        assert row["authors"] == "'@evil, Eve"
        assert row.get("abstract") == "'+1 and -1"
