"""BibTeX export: bibtexparser reads back every field written, on records from real recordings."""

from __future__ import annotations

import io
from typing import Any

import bibtexparser

from connectors.crossref import Crossref
from connectors.openalex import OpenAlex
from harvester.exports import FORMATS
from harvester.exports.bibtex import write_bibtex
from tests.conftest import API


def recorded_records() -> list[dict[str, Any]]:
    works = [
        *Crossref().parse(
            (API / "crossref" / "works-query-ecology-query-author.json").read_bytes()
        ),
        *OpenAlex().parse(
            (API / "openalex" / "works-filter-cited_by-cursor-star.json").read_bytes()
        ),
    ]
    return [
        {**w.to_dict(), "cluster_id": f"C{i:07d}", "sources": [w.source], "work_ids": [w.key]}
        for i, w in enumerate(works, start=1)
    ]


def test_bibtex_is_registered_for_export() -> None:
    assert FORMATS["bibtex"] is write_bibtex


def test_every_record_reads_back_with_its_fields() -> None:
    records = recorded_records()
    out = io.StringIO()
    assert write_bibtex(records, out) == len(records) == 58
    library = bibtexparser.parse_string(out.getvalue())
    assert library.failed_blocks == []
    entries = {e.key: e.fields_dict for e in library.entries}
    assert len(entries) == len(records)
    for record in records:
        # A backslash is written as BibTeX reads it back (an abstract holds a literal "\n").
        fields = {
            k: f.value.replace("\\textbackslash{}", "\\")
            for k, f in entries[record["cluster_id"]].items()
        }
        if record["title"]:
            assert fields["title"] == record["title"]
        if record["doi"]:
            assert fields["doi"] == record["doi"]
        if record["abstract"]:
            assert fields["abstract"] == record["abstract"]
        if record["year"]:
            assert fields["year"] == str(record["year"])
        assert fields.get("author", "") == " and ".join(record["authors"])
        assert fields["note"] == (
            f"harvester cluster {record['cluster_id']}; sources: {record['sources'][0]}"
        )


def test_unbalanced_braces_and_corporate_authors_survive() -> None:
    record = {
        "cluster_id": "C0000001",
        "title": "A stray} brace and a {kept pair} and {",
        "authors": ["Smith, Jane", "Food and Agriculture Organization"],
        "type": "book-chapter",
        "venue": "Handbook",
        "pages": "10\u201320",
        "sources": ["crossref"],
        "retracted": True,
    }
    out = io.StringIO()
    write_bibtex([record], out)
    (entry,) = bibtexparser.parse_string(out.getvalue()).entries
    assert entry.entry_type == "incollection"
    assert entry["booktitle"] == "Handbook"
    assert entry["pages"] == "10--20"
    assert entry["title"] == "A stray brace and a kept pair and "
    assert entry["author"] == "Smith, Jane and {Food and Agriculture Organization}"
    assert entry["note"].endswith("; RETRACTED")
