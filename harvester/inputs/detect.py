"""Which export format a file is, from its first bytes (its name decides only when they do not).

Each signature is a named test of the file's beginning, tried in order; a gzipped file is a
CSV. A file no signature and no known extension fits matches no format, and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from harvester.errors import InputError
from harvester.inputs.text import read_bytes

FORMAT_NAMES = {
    "ris": "RIS",
    "ovid": "Ovid",
    "medline": "PubMed MEDLINE/.nbib",
    "wos": "Web of Science (plain text or tab-delimited)",
    "bibtex": "BibTeX",
    "endnote": "EndNote XML",
    "csljson": "CSL-JSON",
    "csv": "CSV/TSV with a title column",
}
_TITLE_HEADER = re.compile(
    r"(^|[,\t;\"])\s*(title|ti|article title|document title|primary title|t1)\s*([,\t;\"]|$)",
    re.IGNORECASE,
)


def _first_line(head: str) -> str:
    return head.split("\n", 1)[0]


SIGNATURES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("wos", lambda head: head.startswith(("FN ", "PT\t")) or bool(re.match(r"PT [A-Z]\n", head))),
    ("ovid", lambda head: bool(re.match(r"<\d+\.\s*>\s*\n", head))),
    ("medline", lambda head: head.startswith("PMID-") or "\nPMID-" in head),
    ("ris", lambda head: bool(re.search(r"(^|\n)TY  -", head))),
    ("endnote", lambda head: head.startswith("<") and "<record" in head),
    ("csljson", lambda head: head.startswith(("[", "{"))),
    ("bibtex", lambda head: bool(re.search(r"(^|\n)\s*@\w+\s*[{(]", head))),
    ("csv", lambda head: bool(_TITLE_HEADER.search(_first_line(head)))),
)
EXTENSIONS = {
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".csv": "csv",
    ".tsv": "csv",
    ".gz": "csv",
    ".xml": "endnote",
    ".nbib": "medline",
    ".medline": "medline",
    ".json": "csljson",
    ".ciw": "wos",
}


def _head(path: Path) -> str:
    data = read_bytes(path)[:8192]
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    text = data.decode(encoding, "replace").replace("\r\n", "\n")
    return text.lstrip("\ufeff \r\n\t")


def detect_format(path: Path) -> str:
    """The reader for `path`: by its first bytes, else by its extension."""
    if path.suffix.lower() == ".gz":
        return "csv"
    head = _head(path)
    if not head:
        raise InputError(f"{path}: empty file, no records")
    for name, matches in SIGNATURES:
        if matches(head):
            return name
    by_name = EXTENSIONS.get(path.suffix.lower())
    if by_name:
        return by_name
    known = ", ".join(FORMAT_NAMES.values())
    raise InputError(f"{path}: matches no export format harvester reads ({known})")
