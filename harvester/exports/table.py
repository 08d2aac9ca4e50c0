"""CSV exports: one row per cluster, safe to open in a spreadsheet.

Every CSV layout (harvester's own, ASReview LAB's, Rayyan's) goes through `write_table`, so
every cell that a spreadsheet would run as a formula is neutralized in all of them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from harvester.exports.notes import links_text, retraction_flag
from harvester.exports.text import printable
from harvester.languages import labelled, others, screened

COLUMNS = (
    "cluster_id",
    "title",
    "title_language",
    "other_titles",
    "abstract",
    "abstract_language",
    "other_abstracts",
    "authors",
    "year",
    "journal",
    "doi",
    "url",
    "volume",
    "issue",
    "pages",
    "keywords",
    "type",
    "language",
    "retracted",
    "links",
    "sources",
    "record_ids",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Layout = Callable[[dict[str, Any]], dict[str, Any]]


def neutralize(value: str) -> str:
    """Spreadsheet formula injection: a leading ' makes Excel and LibreOffice show text.

    Control characters go first, so none can hide a formula's first character."""
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def joined(values: Iterable[str] | None) -> str:
    return "; ".join(values or [])


def language_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The title and abstract screeners see first, their languages, and the others beside them
    ("[id] Judul ..."), for every CSV layout."""
    view = screened(record)
    return {
        "title": view.get("title"),
        "title_language": view.get("title_language"),
        "other_titles": labelled(others(view, "title")),
        "abstract": view.get("abstract"),
        "abstract_language": view.get("abstract_language"),
        "other_abstracts": labelled(others(view, "abstract")),
    }


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "cluster_id": record["cluster_id"],
        **language_columns(record),
        "authors": joined(record.get("authors")),
        "year": record.get("year"),
        "journal": record.get("venue"),
        "doi": record.get("doi"),
        "url": record.get("url"),
        "volume": record.get("volume"),
        "issue": record.get("issue"),
        "pages": record.get("pages"),
        "keywords": joined(record.get("keywords")),
        "type": record.get("type"),
        "language": record.get("language"),
        "retracted": retraction_flag(record),
        "links": links_text(record),
        "sources": joined(record.get("sources")),
        "record_ids": joined(record.get("work_ids")),
    }


def write_table(
    records: Iterable[dict[str, Any]], out: TextIO, columns: Sequence[str], layout: Layout
) -> int:
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        row = layout(record)
        writer.writerow(
            {k: neutralize(str(v)) if v not in (None, "") else "" for k, v in row.items()}
        )
        count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    return write_table(records, out, COLUMNS, csv_row)
