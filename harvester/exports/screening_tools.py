"""The CSV layouts that ASReview LAB and Rayyan import.

ASReview LAB reads the columns named in its data-format documentation (title, abstract,
keywords, authors, doi, url) and keeps any other column through to its own export; its
`record_id` is left to ASReview, and the cluster id travels in `cluster_id`.
Rayyan's own CSV converter writes title, abstract, url, pmc_id, pubmed_id, year, month, day,
authors (separated by "; "), journal and notes; its import template adds key, issn, volume,
issue and pages. Rayyan shows `notes` to every reviewer, so the cluster, its sources and any
retraction go there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from harvester.exports.notes import record_note, retraction_flag
from harvester.exports.table import joined, write_table

ASREVIEW_COLUMNS = (
    "title",
    "abstract",
    "keywords",
    "authors",
    "doi",
    "url",
    "year",
    "journal",
    "type",
    "language",
    "retracted",
    "cluster_id",
    "sources",
    "record_ids",
)
RAYYAN_COLUMNS = (
    "key",
    "title",
    "authors",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "year",
    "month",
    "day",
    "url",
    "doi",
    "abstract",
    "keywords",
    "language",
    "pubmed_id",
    "pmc_id",
    "notes",
)


def asreview_row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": record.get("title"),
        "abstract": record.get("abstract"),
        "keywords": joined(record.get("keywords")),
        "authors": joined(record.get("authors")),
        "doi": record.get("doi"),
        "url": record.get("url"),
        "year": record.get("year"),
        "journal": record.get("venue"),
        "type": record.get("type"),
        "language": record.get("language"),
        "retracted": retraction_flag(record),
        "cluster_id": record["cluster_id"],
        "sources": joined(record.get("sources")),
        "record_ids": joined(record.get("work_ids")),
    }


def _date_part(record: dict[str, Any], index: int) -> str | None:
    """Month (1) or day (2) of the ISO publication date, when the source gave it."""
    parts = (record.get("published") or "").split("-")
    return str(int(parts[index])) if len(parts) > index and parts[index].isdigit() else None


def rayyan_row(record: dict[str, Any]) -> dict[str, Any]:
    ids = record.get("ids") or {}
    return {
        "key": record["cluster_id"],
        "title": record.get("title"),
        "authors": joined(record.get("authors")),
        "journal": record.get("venue"),
        "issn": joined(record.get("issn")),
        "volume": record.get("volume"),
        "issue": record.get("issue"),
        "pages": record.get("pages"),
        "year": record.get("year"),
        "month": _date_part(record, 1),
        "day": _date_part(record, 2),
        "url": record.get("url"),
        "doi": record.get("doi"),
        "abstract": record.get("abstract"),
        "keywords": joined(record.get("keywords")),
        "language": record.get("language"),
        "pubmed_id": ids.get("pmid"),
        "pmc_id": ids.get("pmcid"),
        "notes": record_note(record),
    }


def write_asreview(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    return write_table(records, out, ASREVIEW_COLUMNS, asreview_row)


def write_rayyan(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    return write_table(records, out, RAYYAN_COLUMNS, rayyan_row)
