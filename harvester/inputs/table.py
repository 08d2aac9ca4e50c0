"""CSV (also gzipped, also tab-separated) exports: columns found by name, case-insensitive."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
from collections.abc import Iterator
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.record import RawEntry
from harvester.inputs.text import read_text

# Our field <- the column names exports use for it (lower case, first match wins).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "recordid",
        "record_id",
        "record id",
        "rec-number",
        "key",
        "citation key",
        "eid",  # Scopus
        "accession number",
    ),
    "title": ("title", "ti", "article title", "document title", "primary title", "t1"),
    "authors": ("author", "authors", "au", "author(s)", "author full names", "creators"),
    "year": ("year", "py", "publication year", "pubyear", "date", "publication date"),
    "venue": (
        "journal",
        "source title",
        "journal/book",
        "publication title",
        "secondary title",
        "secondary_title",
        "booktitle",
        "container-title",
        "source",
        "jo",
        "t2",
        "so",
    ),
    "doi": ("doi", "di"),
    "volume": ("volume", "vl", "vol"),
    "issue": ("number", "issue", "is", "no"),
    "pages": ("pages", "page", "pg", "page range"),
    "abstract": ("abstract", "ab"),
    "isbn": ("isbn", "issn/isbn", "sn"),
    "pmid": ("pmid", "pubmed id", "pubmed_id"),
    "pmcid": ("pmcid", "pmc"),
    "type": ("entrytype", "type", "document type", "publication type", "ty"),
    "url": ("url", "link", "ur"),
    "language": ("language", "la", "language of original document"),
}
# Scopus writes "Page start" and "Page end", and "Art. No." where an article has no pages.
_START_PAGE = ("start page", "page start", "beginning page", "sp", "first page", "art. no.")
_END_PAGE = ("end page", "page end", "ending page", "ep", "last page")


def _columns(header: list[str], path: Path) -> dict[str, list[int]]:
    """Per field, the columns that may hold it, best first (a row uses the first filled one:
    conference papers have a booktitle where articles have a journal)."""
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    wanted = {**COLUMNS, "page_start": _START_PAGE, "page_end": _END_PAGE}
    found = {
        field: [lowered.index(n) for n in names if n in lowered] for field, names in wanted.items()
    }
    found = {field: columns for field, columns in found.items() if columns}
    if "title" not in found:
        shown = ", ".join(h for h in header[:12] if h.strip()) or "none"
        raise InputError(f"{path}: no title column (columns: {shown})")
    return found


def read_table(path: Path) -> Iterator[RawEntry]:
    if path.name.lower().endswith(".gz"):
        try:
            raw = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a readable gzip file ({exc})") from None
        text = read_text(path, raw)
    else:
        text = read_text(path)
    sample = text[:20_000]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    csv.field_size_limit(1 << 30)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: empty file, no header line") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a CSV file ({exc})") from None
    columns = _columns(header, path)
    # Most fields have one column; those with several take the first filled one.
    single = [(field, indexes[0]) for field, indexes in columns.items() if len(indexes) == 1]
    several = [(field, indexes) for field, indexes in columns.items() if len(indexes) > 1]
    name = str(path)
    position, read_up_to, last_row_from = 0, reader.line_num, 0
    try:
        for row in reader:
            last_row_from, read_up_to = read_up_to + 1, reader.line_num
            if not "".join(row).strip():
                continue
            position += 1
            fields = _fields(row, single, several)
            record_id = str(fields.pop("id", "")) or None
            yield RawEntry(name, position, fields, record_id)
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: {exc}") from None
    if last_row_from:
        _check_closed(path, text, delimiter, last_row_from, read_up_to)


def _check_closed(path: Path, text: str, delimiter: str, first: int, last: int) -> None:
    """Refuse a file whose last row opens a quote it never closes: read leniently, every line
    after it would become one field of one record, and the records on them would be lost."""
    lines = io.StringIO(text, newline="")  # split as the csv reader splits them
    tail = "".join(itertools.islice(lines, first - 1, None))
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return  # a stray quote the lenient reading already took as text
        raise InputError(
            f"{path}: line {first}: a quoted field opened here is never closed; the "
            f"{last - first + 1} lines from here to the end would be read as one field "
            "(close the quote, or double a quote that belongs in the text)"
        ) from None


def _fields(
    row: list[str], single: list[tuple[str, int]], several: list[tuple[str, list[int]]]
) -> dict[str, object]:
    width = len(row)
    fields: dict[str, object] = {}
    for field, i in single:
        if i < width and row[i].strip():
            fields[field] = row[i]
    for field, indexes in several:
        for i in indexes:
            if i < width and row[i].strip():
                fields[field] = row[i]
                break
    if "pages" not in fields and "page_start" in fields:
        fields["pages"] = "-".join(
            str(fields[k]) for k in ("page_start", "page_end") if k in fields
        )
    return fields
