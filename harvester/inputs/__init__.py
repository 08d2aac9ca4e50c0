"""Reading the files a reviewer brings: RIS, BibTeX, CSV/TSV (also gzipped), EndNote XML and
PubMed MEDLINE/.nbib. Each record remembers its file, its own id and its position."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.bibtex import read_bibtex
from harvester.inputs.endnote import read_endnote
from harvester.inputs.medline import read_medline
from harvester.inputs.record import InputRecord, RawEntry, build_record
from harvester.inputs.ris import read_ris
from harvester.inputs.table import read_table
from harvester.inputs.text import read_bytes

Reader = Callable[[Path], Iterator[RawEntry]]
READERS: dict[str, Reader] = {
    "ris": read_ris,
    "bibtex": read_bibtex,
    "csv": read_table,
    "endnote": read_endnote,
    "medline": read_medline,
}
_EXTENSIONS = {
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".csv": "csv",
    ".tsv": "csv",
    ".gz": "csv",
    ".xml": "endnote",
    ".nbib": "medline",
    ".medline": "medline",
}


def detect_format(path: Path) -> str:
    """The reader for `path`: by its extension, else by its first bytes."""
    by_name = _EXTENSIONS.get(path.suffix.lower())
    if by_name:
        return by_name
    head = read_bytes(path)[:4096].decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    if head.startswith("PMID-") or "\nPMID-" in head:
        return "medline"
    if head.startswith("TY  -") or "\nTY  -" in head:
        return "ris"
    if head.startswith("@"):
        return "bibtex"
    if head.startswith("<"):
        return "endnote"
    if not head:
        raise InputError(f"{path}: empty file, no records")
    return "csv"


def read_entries(path: Path) -> list[RawEntry]:
    """The records of one file as its reader found them (not yet normalized)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    entries = list(READERS[detect_format(path)](path))
    if not entries:
        raise InputError(f"{path}: no records")
    return entries


def read_file(path: Path) -> list[InputRecord]:
    return [build_record(entry) for entry in read_entries(path)]


def read_inputs(
    paths: Sequence[Path], on_file: Callable[[Path, int], None] | None = None
) -> list[InputRecord]:
    """All records of all files, in order; any bad file stops everything (nothing written)."""
    out: list[InputRecord] = []
    for path in paths:
        records = read_file(path)
        out.extend(records)
        if on_file:
            on_file(path, len(records))
    return out


__all__ = [
    "READERS",
    "InputRecord",
    "RawEntry",
    "build_record",
    "detect_format",
    "read_entries",
    "read_file",
    "read_inputs",
]
