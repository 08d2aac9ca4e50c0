"""CSL-JSON (Zotero, Mendeley, citation.js, pandoc): an array of items, or one item alone.

Names come as {"family", "given"} or {"literal"}; dates as {"date-parts": [[2015, 8, 26]]}
(years often as strings) or {"raw": "2015"}; an item's translated or original-language title
as "original-title".
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

# Our field <- CSL variables, best first.
VARIABLES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "venue": ("container-title", "collection-title", "event-title", "publisher"),
    "volume": ("volume",),
    "issue": ("issue", "number"),
    "pages": ("page",),
    "doi": ("DOI", "doi"),
    "url": ("URL", "url"),
    "abstract": ("abstract",),
    "isbn": ("ISBN", "ISSN"),
    "pmid": ("PMID",),
    "pmcid": ("PMCID",),
    "language": ("language",),
    "type": ("type",),
}


def _text(value: Any) -> str | None:
    if isinstance(value, Mapping):  # some writers give {"name": "DataCite"} for a publisher
        value = value.get("name") or value.get("literal")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def _name(person: Any) -> str:
    if not isinstance(person, Mapping):
        return str(person)
    if person.get("literal"):
        return str(person["literal"])
    family = " ".join(str(person[k]) for k in ("non-dropping-particle", "family") if person.get(k))
    return f"{family}, {person['given']}" if person.get("given") else family


def _year(issued: Any) -> str | None:
    if not isinstance(issued, Mapping):
        return _text(issued)
    parts = issued.get("date-parts") or [[]]
    first = parts[0] if parts and isinstance(parts[0], list) else []
    return str(first[0]) if first else _text(issued.get("raw") or issued.get("literal"))


def _items(data: Any, path: Path) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        data = data.get("items", [data])
    if not isinstance(data, list) or not all(isinstance(i, Mapping) for i in data):
        raise InputError(f"{path}: not CSL-JSON (expected an array of items)")
    return data


def read_csl_json(path: Path) -> Iterator[RawEntry]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: line {exc.lineno}: not readable JSON ({exc.msg}); export cut short?"
        ) from None
    items = _items(data, path)
    if not items:
        raise InputError(f"{path}: no CSL-JSON items")
    for position, item in enumerate(items, 1):
        fields: dict[str, object] = {
            field: value
            for field, names in VARIABLES.items()
            if (value := next((v for n in names if (v := _text(item.get(n)))), None))
        }
        fields["authors"] = [_name(p) for p in item.get("author") or item.get("editor") or []]
        fields["year"] = _year(item.get("issued"))
        if original := _text(item.get("original-title")):
            fields["other_titles"] = [original]
        yield RawEntry(str(path), position, fields, _text(item.get("id")))
