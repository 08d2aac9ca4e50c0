"""Ovid exports (Embase, MEDLINE, PsycINFO through Ovid) in its "EndNote"/"Citavi" layout.

Each record opens with its number in angle brackets ("<3001. >"), then "TI  - value" lines,
continuation lines indented; there is no TY or ER. The journal, volume, issue and pages sit in
one source line: "BMC Proceedings. Conference: ... 12 (Supplement 3) (no pagination), 2018."
A meeting abstract keeps that whole line as its venue: the meeting's name is what tells two
abstracts of one study at two congresses apart (harvester.dedup.shapes.unpack_source reads it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

RECORD_HEAD = re.compile(r"^<(\d+)\.\s*>\s*$")
_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s+- ?(.*)$")
# Our field <- Ovid tags, best first.
TAGS: dict[str, tuple[str, ...]] = {
    "title": ("TI",),
    "authors": ("AU", "AI"),
    "year": ("YR", "PY", "DP"),
    "venue": ("JN", "JA", "JT"),
    "volume": ("VO", "VI"),
    "issue": ("IP",),
    "pages": ("PG", "PP"),
    "abstract": ("AB",),
    "doi": ("DO", "DI"),
    "isbn": ("IS", "SN", "IB"),
    "language": ("LG", "LA"),
    "type": ("PT",),
}
# "Journal. 12 (3) (pp 10-20), 2018." / "Journal. 12 (Supplement 3) (no pagination), 2018."
_SOURCE = re.compile(
    r"^(?P<venue>.+?)\.\s+(?:.*?\s)?(?P<volume>\d+)\s*(?:\((?P<issue>[^)]*)\))?"
    r"\s*(?:\((?:pp\s*)?(?P<pages>[^)]*)\))?,\s*(?P<year>\d{4})"
)

_CONFERENCE = ". Conference: "


def _records(text: str, path: Path) -> Iterator[tuple[str, dict[str, list[str]]]]:
    number, last = "", ""
    tags: dict[str, list[str]] = {}
    for line_number, line in enumerate(text.splitlines(), 1):
        head = RECORD_HEAD.match(line)
        if head:
            if tags:
                yield number, tags
            number, tags, last = head.group(1), {}, ""
            continue
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match and number:
            last = match.group(1)
            tags.setdefault(last, []).append(match.group(2).strip())
        elif last:  # an indented continuation, or an abstract's next paragraph (not indented)
            tags[last][-1] += "\n" + line.strip() if last == "AB" else " " + line.strip()
        else:
            raise InputError(f"{path}: line {line_number}: not an Ovid line: {line[:40]!r}")
    if tags:
        yield number, tags


def _from_source(source: str) -> dict[str, str]:
    found = _SOURCE.match(source)
    if not found:
        return {}
    parts = {k: v.strip() for k, v in found.groupdict().items() if v and v.strip()}
    if parts.get("pages", "").lower() == "no pagination":
        del parts["pages"]
    return parts


def read_ovid(path: Path) -> Iterator[RawEntry]:
    text = read_text(path)
    count = 0
    for position, (number, tags) in enumerate(_records(text, path), 1):
        count += 1
        fields: dict[str, object] = {
            field: (tags[name] if field == "authors" else tags[name][0])
            for field, names in TAGS.items()
            if (name := next((n for n in names if tags.get(n)), None))
        }
        source = (tags.get("SO") or [""])[0]
        for field, value in _from_source(source).items():
            fields.setdefault(field, value)
        if _CONFERENCE in source:
            fields["venue"] = source
        accession = (tags.get("UI") or tags.get("AN") or [""])[0]
        yield RawEntry(str(path), position, fields, accession or number or None)
    if not count:
        raise InputError(f"{path}: no Ovid records (no '<1. >' record heads)")
