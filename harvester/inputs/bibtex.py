"""BibTeX exports through bibtexparser v2, LaTeX accents decoded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "authors": ("author",),
    "venue": ("journal", "booktitle", "journaltitle", "series", "publisher"),
    "year": ("year", "date"),
    "doi": ("doi",),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "pages": ("pages",),
    "abstract": ("abstract",),
    "isbn": ("isbn", "issn"),
    "pmid": ("pmid",),
    "url": ("url",),
    "language": ("language",),
}


def read_bibtex(path: Path) -> Iterator[RawEntry]:
    text = read_text(path)
    library = parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = getattr(block, "start_line", None)
        where = f"line {line + 1}: " if isinstance(line, int) else ""
        raise InputError(f"{path}: {where}not a readable BibTeX entry")
    if not library.entries:
        raise InputError(f"{path}: no BibTeX entries")
    for position, entry in enumerate(library.entries, 1):
        values = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        fields: dict[str, object] = {}
        for field, names in FIELDS.items():
            value = next((values[n] for n in names if values.get(n)), None)
            if value is not None:
                fields[field] = str(value)
        fields["type"] = entry.entry_type
        yield RawEntry(str(path), position, fields, entry.key)
