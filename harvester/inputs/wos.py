"""Web of Science exports: plain text ("Other reference software") and tab-delimited.

Both use the same two-letter field tags. Plain text puts one tag per line ("TI The title"),
continuation lines indented by three spaces, a record closed by "ER" and the file by "EF";
tab-delimited has the tags as its header row. A plain-text record left open at the end of the
file, or a tab-delimited row with fewer cells than the header, is an export cut short.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

# Our field <- the tags that may hold it, best first.
TAGS: dict[str, tuple[str, ...]] = {
    "title": ("TI",),
    "authors": ("AF", "AU", "BA", "CA"),
    "year": ("PY", "EY"),
    "venue": ("SO", "SE", "BS"),
    "volume": ("VL",),
    "issue": ("IS",),
    "doi": ("DI", "D2"),
    "abstract": ("AB",),
    "isbn": ("SN", "EI", "BN"),
    "pmid": ("PM",),
    "language": ("LA",),
    "type": ("DT",),
}
# Tags whose continuation lines are further values (one author per line), not more text.
LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR"})
# WoS publication type (PT) -> the Work.type vocabulary.
PUBLICATION_TYPES = {
    "J": "journal-article",
    "B": "book",
    "S": "book-chapter",
    "C": "proceedings-article",
}
_LINE = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")


def _fields(tags: dict[str, list[str]]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for field, names in TAGS.items():
        name = next((n for n in names if tags.get(n)), None)
        if name is None:
            continue
        values = tags[name]
        fields[field] = values if field == "authors" else values[0]
    first, last = (tags.get(t, [""])[0] for t in ("BP", "EP"))
    pages = "-".join(p for p in (first, last) if p) or (tags.get("AR") or [""])[0]
    if pages:
        fields["pages"] = pages
    kind = PUBLICATION_TYPES.get((tags.get("PT") or [""])[0])
    if kind and not fields.get("type"):
        fields["type"] = kind
    return fields


def _plain_records(text: str, path: Path) -> Iterator[tuple[int, dict[str, list[str]]]]:
    tags: dict[str, list[str]] = {}
    last = ""
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(("FN ", "VR ")) or line.strip() == "EF":
            continue
        if line.strip() == "ER":
            if tags:
                yield start, tags
            tags, last = {}, ""
            continue
        if line.startswith("   ") and last:
            value = line.strip()
            if last in LIST_TAGS:
                tags[last].append(value)
            else:
                tags[last][-1] += " " + value
            continue
        match = _LINE.match(line)
        if not match:
            raise InputError(f"{path}: line {number}: not a Web of Science line: {line[:40]!r}")
        tag, value = match.groups()
        if not tags:
            start = number
        tags.setdefault(tag, []).append(value.strip())
        last = tag
    if tags:
        raise InputError(
            f"{path}: export cut short: the record from line {start} has no closing ER line"
        )


def _split_list(tags: dict[str, list[str]]) -> dict[str, list[str]]:
    """Tab-delimited cells hold a whole list ("Smith, J; Doe, A"): one value per item."""
    for tag in LIST_TAGS & tags.keys():
        tags[tag] = [v.strip() for value in tags[tag] for v in value.split(";") if v.strip()]
    return tags


def _tab_records(text: str, path: Path) -> Iterator[tuple[int, dict[str, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(reader)]
    for row in reader:
        if not "".join(row).strip():
            continue
        if len(row) < len(header) - 1:  # the last cell may be dropped when it is empty
            raise InputError(
                f"{path}: line {reader.line_num}: export cut short "
                f"({len(row)} of {len(header)} columns)"
            )
        tags = {tag: [cell] for tag, cell in zip(header, row, strict=False) if cell.strip()}
        yield reader.line_num, _split_list(tags)


def is_tab_delimited(text: str) -> bool:
    return text.lstrip("\ufeff").startswith("PT\t")


def read_wos(path: Path) -> Iterator[RawEntry]:
    text = read_text(path)
    records = _tab_records(text, path) if is_tab_delimited(text) else _plain_records(text, path)
    count = 0
    for position, (_, tags) in enumerate(records, 1):
        count += 1
        ut = (tags.get("UT") or [""])[0]
        yield RawEntry(str(path), position, _fields(tags), ut or None)
    if not count:
        raise InputError(f"{path}: no Web of Science records")
