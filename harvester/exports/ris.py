"""RIS through rispy, so tags match what Rayyan, Covidence, EndNote and Zotero read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

import rispy

from harvester.exports.notes import record_note
from harvester.languages import labelled, others, screened

# Work.type (Crossref/OpenAlex vocabulary) -> RIS reference type.
RIS_TYPES = {
    "journal-article": "JOUR",
    "article": "JOUR",
    "review": "JOUR",
    "letter": "JOUR",
    "editorial": "JOUR",
    "book": "BOOK",
    "monograph": "BOOK",
    "edited-book": "EDBOOK",
    "book-chapter": "CHAP",
    "proceedings-article": "CPAPER",
    "proceedings": "CONF",
    "dissertation": "THES",
    "report": "RPRT",
    "dataset": "DATA",
    "preprint": "UNPB",
    "posted-content": "UNPB",
    "standard": "STAND",
}


def ris_url(url: str) -> str:
    """RIS readers (rispy, Zotero) split UR on ";": percent-encode it to keep one URL."""
    return url.replace(";", "%3B")


def ris_entry(record: dict[str, Any]) -> dict[str, Any]:
    """One RIS entry: TI the title screeners see first, TT the other title, AB the abstract;
    further titles and the other abstracts go in notes (N1), labelled with their language."""
    pages = (record.get("pages") or "").replace("\u2013", "-")
    start, _, end = pages.partition("-")
    view = screened(record)
    titles, abstracts = others(view, "title"), others(view, "abstract")
    notes = [record_note(record)]
    notes += [f"Title [{t.language or '?'}]: {t.text}" for t in titles[1:]]
    notes += [f"Abstract {labelled([a])}" for a in abstracts]
    entry: dict[str, Any] = {
        "type_of_reference": RIS_TYPES.get(record.get("type") or "", "GEN"),
        "id": record["cluster_id"],
        "title": view.get("title"),
        "translated_title": titles[0].text if titles else None,
        "authors": list(record.get("authors") or []),
        "year": str(record["year"]) if record.get("year") else None,
        "secondary_title": record.get("venue"),
        "abstract": view.get("abstract"),
        "doi": record.get("doi"),
        "urls": [ris_url(record["url"])] if record.get("url") else [],
        "volume": record.get("volume"),
        "number": record.get("issue"),
        "start_page": start.strip() or None,
        "end_page": end.strip() or None,
        "issn": "; ".join(record.get("issn") or []) or None,
        "keywords": list(record.get("keywords") or []),
        "language": record.get("language"),
        "notes": notes,
    }
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


class _NumberedWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's RIS writer, one entry at a time: each entry's header is its number in the file."""

    number = 0

    def set_header(self, count: int) -> str:
        return f"{self.number}."


def write_ris(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Entry by entry, the bytes `rispy.dumps` gives for the whole list: entries apart by a
    blank line, the file ending in one newline (empty when there is no entry)."""
    writer = _NumberedWriter()
    for record in records:
        writer.number += 1
        if writer.number > 1:
            out.write("\n")
        out.write(writer.formats([ris_entry(record)]))
    return writer.number
