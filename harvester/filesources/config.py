"""A file source in a review file: database exports the team saved, as one source of the review.

[[sources]]
connector = "files"
name = "scopus"
path = "searches/scopus/*.csv"     # a glob relative to the review file
database = "Scopus"                # optional: the database every file of it comes from

[[sources.searches]]               # optional, one per file: the search as the team ran it
file = "searches/scopus/2024-05-02.csv"
date = 2024-05-02
query = 'TITLE-ABS-KEY("one-stop service*" AND licens*) AND AFFILCOUNTRY(Indonesia)'
hits = 212                         # what the database reported; fewer records are flagged
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

FILES_CONNECTOR = "files"
FILE_SOURCE_KEYS = {
    "connector": '"files": records come from exported files, not from an API',
    "name": "instance name, unique in the review (default: files)",
    "path": "the files to import: a glob relative to the review file (required)",
    "database": "the database the files were exported from (default: recognised from them)",
    "searches": "per file, the search as run: [[sources.searches]] tables",
    "local_filter": "true applies the review's strategy to the records too (default false: "
    "the database already ran the team's query)",
}
SEARCH_KEYS = {
    "file": "the file this search produced, relative to the review file (a glob may match several)",
    "date": "the date the search was run (2024-05-02)",
    "database": "the database and interface searched (Scopus, Embase via Ovid, Garuda)",
    "query": "the query exactly as run in the database",
    "hits": "the number of results the database reported",
}

Problem = Callable[[str, str], None]  # (key, message)


@dataclass(frozen=True)
class DeclaredSearch:
    """What the review file says about the search that produced one exported file."""

    file: str
    date: str | None = None
    database: str | None = None
    query: str | None = None
    hits: int | None = None

    def describes(self, relative: str) -> bool:
        """Whether this entry is about the file at `relative` (a path or a glob)."""
        target = PurePosixPath(relative)
        wanted = self.file.replace("\\", "/").removeprefix("./")
        return target.match(wanted) or fnmatch.fnmatch(target.name, wanted)


@dataclass(frozen=True)
class FileSpec:
    path: str
    database: str | None = None
    searches: tuple[DeclaredSearch, ...] = ()

    def search_for(self, relative: str) -> DeclaredSearch | None:
        return next((s for s in self.searches if s.describes(relative)), None)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _search(entry: Any, bad: Problem, where: str) -> DeclaredSearch | None:
    if not isinstance(entry, Mapping):
        bad(where, "must be a table ([[sources.searches]])")
        return None
    for key in sorted(entry.keys() - SEARCH_KEYS):
        bad(f"{where}.{key}", f"unknown key; known: {', '.join(sorted(SEARCH_KEYS))}")
    file = _text(entry.get("file"))
    if file is None:
        bad(f"{where}.file", "required: the exported file this search produced")
    date = entry.get("date")
    if isinstance(date, dt.date):
        date = date.isoformat()
    elif date is not None and not (isinstance(date, str) and _iso_date(date)):
        bad(f"{where}.date", "must be a date such as 2024-05-02")
        date = None
    hits = entry.get("hits")
    if hits is not None and (not isinstance(hits, int) or isinstance(hits, bool) or hits < 0):
        bad(f"{where}.hits", "must be a whole number (the results the database reported)")
        hits = None
    for key in ("database", "query"):
        if key in entry and _text(entry[key]) is None:
            bad(f"{where}.{key}", "must be non-empty text")
    return DeclaredSearch(
        file or "", date, _text(entry.get("database")), _text(entry.get("query")), hits
    )


def _iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def file_spec(entry: Mapping[str, Any], bad: Problem) -> FileSpec:
    """The files, database and declared searches of a `connector = "files"` source."""
    for key in sorted(entry.keys() - FILE_SOURCE_KEYS.keys()):
        bad(key, f"unknown key for files; known: {', '.join(sorted(FILE_SOURCE_KEYS))}")
    path = _text(entry.get("path"))
    if path is None:
        bad("path", 'required: the exported files, e.g. "searches/scopus/*.csv"')
    elif path.startswith("/") or ".." in PurePosixPath(path).parts:
        bad("path", "must be relative to the review file and stay inside its folder")
    if "database" in entry and _text(entry["database"]) is None:
        bad("database", "must be non-empty text")
    searches = entry.get("searches", [])
    if not isinstance(searches, list):
        bad("searches", "must be an array of tables ([[sources.searches]])")
        searches = []
    declared = [_search(s, bad, f"searches[{i + 1}]") for i, s in enumerate(searches)]
    local_filter = entry.get("local_filter", False)
    if not isinstance(local_filter, bool):
        bad("local_filter", "must be true or false")
    return FileSpec(
        path or "",
        _text(entry.get("database")),
        tuple(s for s in declared if s is not None),
    )
