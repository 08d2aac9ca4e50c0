"""What file sources imported: one `file_imports` row per file content, its records, its search.

Read by the file harvest (which files are new, what a changed file supersedes), by the search
log (each imported file is one search) and by PRISMA (records identified per database).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import duckdb
import pyarrow as pa

from harvester.store import Store


@dataclass(frozen=True)
class FileImport:
    """One imported file: where it was, what it held, and the search it records."""

    source: str
    sha256: str
    path: str
    file_date: datetime | None
    size: int
    format: str
    records: int
    added: int
    dropped: int
    supersedes: str | None
    database: str | None
    searched_on: str | None
    query: str | None
    declared_hits: int | None
    flag: str | None
    run_id: int
    imported_at: datetime


@dataclass(frozen=True)
class FileRecord:
    work_id: str
    record_id: str
    position: int


_COLUMNS = [f.name for f in fields(FileImport)]


def imported_hashes(store: Store, review_id: str, source: str) -> set[str]:
    rows = store.rows(
        "SELECT sha256 FROM file_imports WHERE review_id = ? AND source = ?", [review_id, source]
    )
    return {row[0] for row in rows}


def latest_at_path(store: Store, review_id: str, source: str, path: str) -> FileImport | None:
    """The most recent import of the file at `path`: the one a changed file supersedes."""
    rows = _imports(
        store,
        "review_id = ? AND source = ? AND path = ? ORDER BY imported_at DESC, run_id DESC LIMIT 1",
        [review_id, source, path],
    )
    return rows[0] if rows else None


def import_work_ids(store: Store, review_id: str, source: str, sha256: str) -> set[str]:
    rows = store.rows(
        "SELECT work_id FROM file_records WHERE review_id = ? AND source = ? AND sha256 = ?",
        [review_id, source, sha256],
    )
    return {row[0] for row in rows}


def run_imports(store: Store, review_id: str, run_id: int) -> dict[str, list[FileImport]]:
    """Source -> the files it imported in run `run_id` (one search each), by path."""
    out: dict[str, list[FileImport]] = {}
    for found in _imports(
        store,
        "review_id = ? AND run_id = ? ORDER BY source, path",
        [
            review_id,
            run_id,
        ],
    ):
        out.setdefault(found.source, []).append(found)
    return out


def database_of_records(store: Store, review_id: str) -> dict[str, str]:
    """Work id -> the database its file was exported from, for the review's file records."""
    rows = store.rows(
        """SELECT r.work_id, i.database FROM file_records r
           JOIN file_imports i USING (review_id, source, sha256)
           WHERE r.review_id = ? AND i.database IS NOT NULL""",
        [review_id],
    )
    return dict(rows)


def _imports(store: Store, where: str, params: list[object]) -> list[FileImport]:
    return [
        FileImport(**row)
        for row in store.dicts(
            f"SELECT {', '.join(_COLUMNS)} FROM file_imports WHERE {where}", params
        )
    ]


def record_import(
    con: duckdb.DuckDBPyConnection,
    review_id: str,
    found: FileImport,
    records: list[FileRecord],
    dropped_work_ids: set[str],
) -> None:
    """Write an import, its records, and unlink from the review the records it dropped; call
    inside the transaction that writes the records themselves."""
    values = [review_id, *(getattr(found, name) for name in _COLUMNS)]
    con.execute(
        f"INSERT INTO file_imports (review_id, {', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(values))})",
        values,
    )
    table = pa.table(
        {
            "work_id": pa.array([r.work_id for r in records], pa.string()),
            "record_id": pa.array([r.record_id for r in records], pa.string()),
            "position": pa.array([r.position for r in records], pa.int32()),
        }
    )
    con.register("import_records", table)
    try:
        con.execute(
            """INSERT INTO file_records
               SELECT ?, ?, ?, work_id, record_id, position FROM import_records
               ON CONFLICT DO NOTHING""",
            [review_id, found.source, found.sha256],
        )
    finally:
        con.unregister("import_records")
    if dropped_work_ids:
        # The file as the team now has it no longer holds these: they leave the review's set
        # (kept in the store, and in the earlier snapshots that had them).
        con.execute(
            "DELETE FROM review_records WHERE review_id = ? AND list_contains(?, work_id)",
            [review_id, sorted(dropped_work_ids)],
        )
