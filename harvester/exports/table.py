"""CSV export: one row per cluster, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

COLUMNS = (
    "cluster_id",
    "title",
    "abstract",
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
    "sources",
    "record_ids",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """Spreadsheet formula injection: a leading ' makes Excel and LibreOffice show text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(record: dict[str, Any]) -> dict[str, str]:
    row = {
        "cluster_id": record["cluster_id"],
        "title": record.get("title"),
        "abstract": record.get("abstract"),
        "authors": "; ".join(record.get("authors") or []),
        "year": record.get("year"),
        "journal": record.get("venue"),
        "doi": record.get("doi"),
        "url": record.get("url"),
        "volume": record.get("volume"),
        "issue": record.get("issue"),
        "pages": record.get("pages"),
        "keywords": "; ".join(record.get("keywords") or []),
        "type": record.get("type"),
        "language": record.get("language"),
        "sources": "; ".join(record.get("sources") or []),
        "record_ids": "; ".join(record.get("work_ids") or []),
    }
    return {k: neutralize(str(v)) if v not in (None, "") else "" for k, v in row.items()}


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count
