"""PubMed MEDLINE / .nbib exports: "TAG - value" lines, continuation lines indented."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- ?(.*)$")
_DOI = re.compile(r"^(\S+)\s*\[doi\]", re.IGNORECASE)


def _records(text: str, path: Path) -> Iterator[tuple[int, dict[str, list[str]]]]:
    current: dict[str, list[str]] = defaultdict(list)
    last = ""
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match:
            tag, value = match.groups()
            if tag == "PMID" and current:
                yield start, current
                current = defaultdict(list)
            if not current:
                start = number
            current[tag].append(value.strip())
            last = tag
        elif line.startswith("      ") and last:
            current[last][-1] += " " + line.strip()
        else:
            raise InputError(f"{path}: line {number}: not a MEDLINE line: {line[:40]!r}")
    if current:
        yield start, current


def read_medline(path: Path) -> Iterator[RawEntry]:
    text = read_text(path)
    count = 0
    for position, (_, tags) in enumerate(_records(text, path), 1):
        count += 1

        def one(*names: str, tags: dict[str, list[str]] = tags) -> str | None:
            return next((tags[n][0] for n in names if tags.get(n)), None)

        dois = [
            m.group(1) for v in tags.get("AID", []) + tags.get("LID", []) if (m := _DOI.match(v))
        ]
        fields: dict[str, object] = {
            "title": one("TI", "BTI"),
            "authors": tags.get("FAU") or tags.get("AU") or [],
            "year": one("DP", "DEP"),
            "venue": one("JT", "TA"),
            "volume": one("VI"),
            "issue": one("IP"),
            "pages": one("PG"),
            "abstract": one("AB"),
            "doi": dois[0] if dois else None,
            "pmid": one("PMID"),
            "pmcid": one("PMC"),
            "type": "journal-article",
            "language": one("LA"),
            "isbn": one("IS", "ISBN"),
            "other_titles": tags.get("TT", []),
        }
        if any("preprint" in t.lower() for t in tags.get("PT", [])):
            fields["type"] = "preprint"
        yield RawEntry(str(path), position, fields, one("PMID"))
    if not count:
        raise InputError(f"{path}: no MEDLINE records (no 'PMID- ' line)")
