"""The CSV layouts that ASReview LAB and Rayyan import.

ASReview LAB reads the columns named in its data-format documentation (title, abstract,
keywords, authors, doi, url) and keeps any other column through to its own export; its
`record_id` is left to ASReview, and the cluster id travels in `cluster_id`. The title and
abstract are those of the review's `screening_language`; the others sit beside them
(`other_titles`, `other_abstracts`, each "[id] ...").
Rayyan's importer reads key, title, authors, journal, issn, volume, issue, pages, year,
publisher, location, url, language, abstract and notes, and drops every other column: so the
layout has those columns only, and everything else (DOI, PMID, PMCID, keywords, the full date,
the cluster, its sources, links, retractions, the titles and abstracts in other languages)
goes into `notes`, which Rayyan shows to every reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from harvester.exports.notes import links_text, record_note, retraction_flag
from harvester.exports.table import joined, language_columns, write_table
from harvester.languages import labelled, others, screened

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
    "title_language",
    "other_titles",
    "abstract_language",
    "other_abstracts",
    "retracted",
    "links",
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
    "publisher",
    "location",
    "url",
    "language",
    "abstract",
    "notes",
)


def asreview_row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **language_columns(record),
        "keywords": joined(record.get("keywords")),
        "authors": joined(record.get("authors")),
        "doi": record.get("doi"),
        "url": record.get("url"),
        "year": record.get("year"),
        "journal": record.get("venue"),
        "type": record.get("type"),
        "language": record.get("language"),
        "retracted": retraction_flag(record),
        "links": links_text(record),
        "cluster_id": record["cluster_id"],
        "sources": joined(record.get("sources")),
        "record_ids": joined(record.get("work_ids")),
    }


def rayyan_note(record: dict[str, Any]) -> str:
    """Everything Rayyan has no column for, in the one column it shows every reviewer."""
    view = screened(record)
    ids = record.get("ids") or {}
    parts = [
        f"DOI: {record['doi']}" if record.get("doi") else "",
        f"PMID: {ids['pmid']}" if ids.get("pmid") else "",
        f"PMCID: {ids['pmcid']}" if ids.get("pmcid") else "",
        f"published: {record['published']}" if record.get("published") else "",
        f"keywords: {joined(record.get('keywords'))}" if record.get("keywords") else "",
        record_note(record),
    ]
    if titles := others(view, "title"):
        parts.append(f"other titles: {labelled(titles)}")
    if abstracts := others(view, "abstract"):
        parts.append(f"other abstracts: {labelled(abstracts)}")
    return " | ".join(p for p in parts if p)


def rayyan_row(record: dict[str, Any]) -> dict[str, Any]:
    view = screened(record)
    url = record.get("url") or (f"https://doi.org/{record['doi']}" if record.get("doi") else None)
    return {
        "key": record["cluster_id"],
        "title": view.get("title"),
        "authors": joined(record.get("authors")),
        "journal": record.get("venue"),
        "issn": joined(record.get("issn")),
        "volume": record.get("volume"),
        "issue": record.get("issue"),
        "pages": record.get("pages"),
        "year": record.get("year"),
        "publisher": record.get("publisher"),
        "location": None,
        "url": url,
        "language": record.get("language"),
        "abstract": view.get("abstract"),
        "notes": rayyan_note(record),
    }


def write_asreview(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    return write_table(records, out, ASREVIEW_COLUMNS, asreview_row)


def write_rayyan(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    return write_table(records, out, RAYYAN_COLUMNS, rayyan_row)
