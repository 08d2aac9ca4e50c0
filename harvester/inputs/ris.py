"""RIS exports (EndNote, Zotero, Scopus, Web of Science, Rayyan) through rispy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

# Our field <- rispy's names for the tags that may hold it, best first.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "primary_title", "translated_title"),
    "venue": (
        "secondary_title",
        "journal_name",
        "alternate_title3",
        "alternate_title2",
        "alternate_title1",
        "tertiary_title",
    ),
    "year": ("year", "publication_year", "date"),
    "doi": ("doi",),
    "volume": ("volume",),
    "issue": ("number",),
    "abstract": ("abstract", "notes_abstract"),
    "isbn": ("issn",),
    "type": ("type_of_reference",),
    "url": ("urls",),
    "language": ("language",),
}


def _first(entry: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = entry.get(name)
        if value:
            return value[0] if isinstance(value, list) and name != "urls" else value
    return None


def _tag(line: str) -> str | None:
    """The tag of a RIS line ("TY", "ER", ...), as rispy reads it; None for a continuation."""
    return line[:2] if line[2:5] == "  -" and line[:2].isupper() and line[:1].isalpha() else None


def closed_records(text: str) -> tuple[str, int]:
    """`text` with an `ER  -` line added wherever a record is left open (before the next
    `TY  -` or at the end of the file), and how many records start in it.

    rispy drops a record that has no end line: the last record of a hand-edited file, or one
    whose `ER` line was deleted, would be lost without a word.
    """
    lines, starts, open_record = [], 0, False
    for line in text.split("\n"):
        tag = _tag(line)
        if tag == "TY":
            starts += 1
            if open_record:
                lines.append("ER  - ")
            open_record = True
        elif tag == "ER":
            open_record = False
        lines.append(line)
    if open_record:
        lines.append("ER  - ")
    return "\n".join(lines), starts


def read_ris(path: Path) -> Iterator[RawEntry]:
    text = read_text(path)
    if "TY  -" not in text:
        raise InputError(f"{path}: not a RIS file (no 'TY  -' line)")
    text, starts = closed_records(text)
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises bare IOError/ValueError subclasses on bad lines
        raise InputError(f"{path}: not a readable RIS file ({exc})") from None
    if not entries:
        raise InputError(f"{path}: no RIS records")
    if len(entries) != starts:
        raise InputError(f"{path}: read {len(entries)} of the {starts} records that start with TY")
    for position, entry in enumerate(entries, 1):
        fields: dict[str, object] = {f: _first(entry, names) for f, names in FIELDS.items()}
        fields["authors"] = entry.get("authors") or entry.get("first_authors") or []
        start, end = entry.get("start_page"), entry.get("end_page")
        fields["pages"] = "-".join(str(p) for p in (start, end) if p) or None
        if entry.get("translated_title") and entry.get("title"):
            fields["other_titles"] = [entry["translated_title"]]
        notes = " ".join(entry.get("notes") or []) + " " + str(entry.get("accession_number") or "")
        if "pmid" in notes.lower():
            fields["pmid"] = notes.lower().split("pmid", 1)[1].strip(" :").split()[0]
        yield RawEntry(str(path), position, fields, entry.get("id"))
