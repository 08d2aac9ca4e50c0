"""BibTeX through bibtexparser (v2 API): one entry per cluster, keyed by the cluster id.

bibtexparser does the quoting (every value brace-enclosed) so the file reads back in BibTeX,
biber, Zotero and JabRef; this module only chooses entry types and fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares.parsestack import default_unparse_stack
from bibtexparser.model import Entry, Field

from harvester.exports.notes import record_note
from harvester.languages import others, screened

# Work.type (Crossref/OpenAlex vocabulary) -> BibTeX entry type and the field naming the venue.
BIBTEX_TYPES = {
    "journal-article": ("article", "journal"),
    "article": ("article", "journal"),
    "review": ("article", "journal"),
    "letter": ("article", "journal"),
    "editorial": ("article", "journal"),
    "book": ("book", "publisher"),
    "monograph": ("book", "publisher"),
    "edited-book": ("book", "publisher"),
    "book-chapter": ("incollection", "booktitle"),
    "proceedings-article": ("inproceedings", "booktitle"),
    "proceedings": ("proceedings", "publisher"),
    "dissertation": ("phdthesis", "school"),
    "report": ("techreport", "institution"),
}
DEFAULT_TYPE = ("misc", "howpublished")


def _balanced(value: str) -> str:
    """A value with unbalanced braces would swallow the rest of the file: drop its braces."""
    if "{" not in value and "}" not in value:
        return value  # most values (checked at C speed, not char by char)
    depth = 0
    for char in value:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            break
    return value if depth == 0 else value.replace("{", "").replace("}", "")


def _escaped(value: str) -> str:
    """A backslash as BibTeX readers read it back: `\\textbackslash{}`. Left raw, it starts a
    LaTeX command, and before the closing brace it swallows the entries after it."""
    return value.replace("\\", "\\textbackslash{}") if "\\" in value else value


def _author(name: str) -> str:
    # A corporate name containing " and " must not be split into two people.
    return f"{{{name}}}" if " and " in name else name


def _other_languages(record: dict[str, Any]) -> dict[str, str]:
    """The titles and abstracts beside the first: `title_id`, `abstract_id` ... (a field per
    language; `title_other` when the language is unknown, numbered when one repeats)."""
    view = screened(record)
    fields: dict[str, str] = {}
    for kind in ("title", "abstract"):
        for text in others(view, kind):
            name = f"{kind}_{text.language or 'other'}"
            number = 2
            while name in fields:
                name, number = f"{kind}_{text.language or 'other'}{number}", number + 1
            fields[name] = text.text
    return fields


def bibtex_entry(record: dict[str, Any]) -> Entry:
    entry_type, venue_field = BIBTEX_TYPES.get(record.get("type") or "", DEFAULT_TYPE)
    view = screened(record)
    pages = (record.get("pages") or "").replace("\u2013", "-").replace("--", "-")
    values = {
        "title": view.get("title"),
        "author": " and ".join(_author(a) for a in record.get("authors") or []),
        "year": str(record["year"]) if record.get("year") else None,
        venue_field: record.get("venue"),
        "volume": record.get("volume"),
        "number": record.get("issue"),
        "pages": pages.replace("-", "--") if pages else None,
        "doi": record.get("doi"),
        "url": record.get("url"),
        "issn": ", ".join(record.get("issn") or []),
        "keywords": ", ".join(record.get("keywords") or []),
        "language": record.get("language"),
        "abstract": view.get("abstract"),
        **_other_languages(record),
        "note": record_note(record),
    }
    fields = [
        Field(key, _escaped(_balanced(str(v)))) for key, v in values.items() if v not in (None, "")
    ]
    return Entry(entry_type, record["cluster_id"], fields)


# Entries quoted and written together: the file is written a library of this many at a time.
BIBTEX_CHUNK = 500
BLOCK_SEPARATOR = "\n\n"  # bibtexparser's between two entries (BibtexFormat.block_separator)


def _write_library(library: Library, out: TextIO, first: bool) -> None:
    if not first:
        out.write(BLOCK_SEPARATOR)
    # The library is thrown away after writing: let the quoting step work in place (the default
    # deep-copies every entry, several times slower on large reviews).
    stack = default_unparse_stack(allow_inplace_modification=True)
    out.write(write_string(library, unparse_stack=stack))


def write_bibtex(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A library of `BIBTEX_CHUNK` entries at a time, joined as bibtexparser joins entries."""
    count = 0
    library = Library()
    for record in records:
        library.add(bibtex_entry(record))
        count += 1
        if len(library.entries) == BIBTEX_CHUNK:
            _write_library(library, out, first=count == BIBTEX_CHUNK)
            library = Library()
    if library.entries:
        _write_library(library, out, first=count <= BIBTEX_CHUNK)
    return count
