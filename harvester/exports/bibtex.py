"""BibTeX through bibtexparser v2: one entry per cluster, keyed by the cluster id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from bibtexparser import model
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library

# Work.type -> BibTeX entry type.
BIBTEX_TYPES = {
    "journal-article": "article",
    "article": "article",
    "proceedings-article": "inproceedings",
    "inproceedings": "inproceedings",
    "book": "book",
    "monograph": "book",
    "book-chapter": "incollection",
    "dissertation": "phdthesis",
    "report": "techreport",
    "preprint": "misc",
    "posted-content": "misc",
}


def _braced(value: str) -> str:
    # Unbalanced braces would end the field early; drop them rather than break the file.
    return (
        value if value.count("{") == value.count("}") else value.replace("{", "").replace("}", "")
    )


def bibtex_entry(record: dict[str, Any]) -> model.Entry:
    entry_type = BIBTEX_TYPES.get((record.get("type") or "").lower(), "article")
    venue_field = "booktitle" if entry_type == "inproceedings" else "journal"
    values = {
        "title": record.get("title"),
        "author": " and ".join(record.get("authors") or []),
        "year": str(record["year"]) if record.get("year") else None,
        venue_field: record.get("venue"),
        "volume": record.get("volume"),
        "number": record.get("issue"),
        "pages": (record.get("pages") or "").replace("\u2013", "--") or None,
        "doi": record.get("doi"),
        "url": record.get("url"),
        "abstract": record.get("abstract"),
        "keywords": ", ".join(record.get("keywords") or []),
        "note": f"harvester cluster {record['cluster_id']}",
    }
    fields = [model.Field(k, _braced(str(v))) for k, v in values.items() if v]
    return model.Entry(entry_type, str(record["cluster_id"]), fields)


def write_bibtex(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    library = Library()
    count = 0
    for record in records:
        library.add(bibtex_entry(record))
        count += 1
    out.write(write_string(library))
    return count
