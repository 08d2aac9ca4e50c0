"""What the store already holds of a page's records, read in one query before the page is
written: a record whose payload hash is unchanged costs only this read (and the mark that it
was received again), never a re-mapping, a rewrite of its work or a new deduplication."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from harvester.store.database import registered


def payload_digest(payload: str) -> str:
    """The hash a raw record's payload is compared by (raw_records.payload_sha)."""
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Stored:
    """One record as the store holds it."""

    payload_sha: str
    mapped: bool
    last_run: int
    linked: bool | None  # its review link's `matched`, None when not linked to the review
    judged_by: str | None = None  # the local filter that gave `linked` (its filter_key)


def stored_records(
    con: duckdb.DuckDBPyConnection, source: str, review_id: str, source_ids: Sequence[str]
) -> dict[str, Stored]:
    """The stored state of those of `source_ids` the store holds, by source id."""
    if not source_ids:
        return {}
    with registered(con, "page_ids", _ids(source_ids)):
        rows = con.execute(
            """SELECT r.source_id, r.payload_sha, r.mapped, r.last_run, l.matched, l.judged_by
               FROM (SELECT source_id, payload_sha, mapped, last_run FROM raw_records
                     WHERE source = $source
                       AND source_id IN (SELECT source_id FROM page_ids)) r
               LEFT JOIN (SELECT work_id, matched, judged_by FROM review_records
                          WHERE review_id = $review
                            AND work_id IN (SELECT $source || ':' || source_id FROM page_ids)) l
                 ON l.work_id = $source || ':' || r.source_id""",
            {"source": source, "review": review_id},
        ).fetchall()
    return {row[0]: Stored(row[1], bool(row[2]), int(row[3]), row[4], row[5]) for row in rows}


def stored_by_payload(
    con: duckdb.DuckDBPyConnection, source: str, review_id: str, digests: Sequence[str]
) -> dict[str, tuple[str, Stored]]:
    """The records of `source` the store holds with one of the payload hashes `digests`:
    (source id, stored state) by hash. A record sent again exactly as stored is known by
    this without being parsed."""
    if not digests:
        return {}
    with registered(con, "page_shas", pa.table({"payload_sha": pa.array(digests, pa.string())})):
        rows = con.execute(
            """WITH r AS (SELECT source_id, payload_sha, mapped, last_run FROM raw_records
                          WHERE source = $source
                            AND payload_sha IN (SELECT payload_sha FROM page_shas))
               SELECT r.payload_sha, r.source_id, r.mapped, r.last_run, l.matched, l.judged_by
               FROM r
               LEFT JOIN (SELECT work_id, matched, judged_by FROM review_records
                          WHERE review_id = $review
                            AND work_id IN (SELECT $prefix || source_id FROM r)) l
                 ON l.work_id = $prefix || r.source_id""",
            {"source": source, "review": review_id, "prefix": f"{source}:"},
        ).fetchall()
    return {
        row[0]: (row[1], Stored(row[0], bool(row[2]), int(row[3]), row[4], row[5])) for row in rows
    }


def stored_payloads(
    con: duckdb.DuckDBPyConnection, source: str, source_ids: Sequence[str]
) -> dict[str, str]:
    """The stored payload text of those of `source_ids` the store holds, by source id."""
    if not source_ids:
        return {}
    with registered(con, "page_ids", _ids(source_ids)):
        rows = con.execute(
            """SELECT source_id, payload FROM raw_records
               WHERE source = $source AND source_id IN (SELECT source_id FROM page_ids)""",
            {"source": source},
        ).fetchall()
    return dict(rows)


def _ids(source_ids: Sequence[str]) -> pa.Table:
    return pa.table({"source_id": pa.array(source_ids, pa.string())})


def holds_records(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Whether the store holds any record of `source`."""
    found = con.execute("SELECT 1 FROM raw_records WHERE source = ? LIMIT 1", [source])
    return found.fetchone() is not None
