"""Reading the files a reviewer brings: RIS (also Ovid's layout), BibTeX, CSV/TSV (also
gzipped; Scopus' export among them), Web of Science plain text and tab-delimited, EndNote XML,
PubMed MEDLINE/.nbib and CSL-JSON. The format is recognised from the file's content. Each
record remembers its file, its own id and its position."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.bibtex import read_bibtex
from harvester.inputs.csljson import read_csl_json
from harvester.inputs.detect import FORMAT_NAMES, detect_format
from harvester.inputs.endnote import read_endnote
from harvester.inputs.medline import read_medline
from harvester.inputs.ovid import read_ovid
from harvester.inputs.record import InputRecord, RawEntry, build_record
from harvester.inputs.ris import read_ris
from harvester.inputs.table import read_table
from harvester.inputs.wos import read_wos

Reader = Callable[[Path], Iterator[RawEntry]]
READERS: dict[str, Reader] = {
    "ris": read_ris,
    "bibtex": read_bibtex,
    "csv": read_table,
    "endnote": read_endnote,
    "medline": read_medline,
    "wos": read_wos,
    "ovid": read_ovid,
    "csljson": read_csl_json,
}


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
    "FORMAT_NAMES",
    "READERS",
    "InputRecord",
    "RawEntry",
    "build_record",
    "detect_format",
    "read_entries",
    "read_file",
    "read_inputs",
]
