"""EndNote XML exports, parsed without resolving entities (harvester.xml)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harvester.errors import InputError, ProtocolError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_bytes
from harvester.xml import parse_xml

# Our field <- element paths inside <record>, best first.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("titles/title",),
    "venue": (
        "titles/secondary-title",
        "periodical/full-title",
        "periodical/abbr-1",
        "titles/alt-title",
    ),
    "year": ("dates/year",),
    "doi": ("electronic-resource-num",),
    "volume": ("volume",),
    "issue": ("number",),
    "pages": ("pages",),
    "abstract": ("abstract",),
    "isbn": ("isbn",),
    "language": ("language",),
    "url": ("urls/related-urls/url",),
}


def _text(node: Any) -> str:
    return "".join(node.itertext()).strip() if node is not None else ""


def read_endnote(path: Path) -> Iterator[RawEntry]:
    data = read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: empty file, no records")
    try:
        root = parse_xml(data)
    except ProtocolError as exc:
        raise InputError(f"{path}: not well-formed EndNote XML: {exc.detail}") from None
    records = root.findall(".//record")
    if not records:
        raise InputError(f"{path}: no EndNote <record> elements")
    for position, record in enumerate(records, 1):
        fields: dict[str, object] = {}
        for field, paths in FIELDS.items():
            value = next((t for p in paths if (t := _text(record.find(p)))), None)
            if value:
                fields[field] = value
        fields["authors"] = [_text(a) for a in record.findall("contributors/authors/author")]
        translated = _text(record.find("titles/translated-title"))
        if translated:
            fields["other_titles"] = [translated]
        ref_type = record.find("ref-type")
        if ref_type is not None:
            fields["type"] = ref_type.get("name") or None
        accession = _text(record.find("accession-num"))
        if accession.isdigit():
            fields["pmid"] = accession
        yield RawEntry(str(path), position, fields, _text(record.find("rec-number")))
