"""Writing one page of harvested records: raw payloads, works and review links, in bulk.

A page goes in as Arrow tables in one statement per table (never row by row), and the caller
wraps it in the same transaction as the watermark it moves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from harvester.normalize import family_name, first_page, title_key
from harvester.work import Work

RAW_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("source_id", pa.string()),
        ("connector", pa.string()),
        ("payload", pa.string()),
        ("payload_sha", pa.string()),
        ("mapped", pa.bool_()),
        ("error", pa.string()),
    ]
)
_LIST = pa.list_(pa.string())
_TEXTS = pa.list_(pa.struct([("text", pa.string()), ("language", pa.string())]))
WORK_SCHEMA = pa.schema(
    [
        ("work_id", pa.string()),
        ("source", pa.string()),
        ("source_id", pa.string()),
        ("doi", pa.string()),
        ("title", pa.string()),
        ("authors", _LIST),
        ("year", pa.int32()),
        ("venue", pa.string()),
        ("abstract", pa.string()),
        ("type", pa.string()),
        ("language", pa.string()),
        ("url", pa.string()),
        ("volume", pa.string()),
        ("issue", pa.string()),
        ("pages", pa.string()),
        ("issn", _LIST),
        ("keywords", _LIST),
        ("other_titles", _LIST),
        ("published", pa.string()),
        ("updated", pa.string()),
        ("retracted", pa.bool_()),
        ("deleted", pa.bool_()),
        ("ids", pa.string()),
        ("title_key", pa.string()),
        ("first_author", pa.string()),
        ("first_page", pa.string()),
        ("pmid", pa.string()),
        ("arxiv", pa.string()),
        ("retracts", _LIST),
        ("titles", _TEXTS),
        ("abstracts", _TEXTS),
    ]
)
WORK_COLUMNS = [f.name for f in WORK_SCHEMA]


@dataclass(frozen=True)
class RawRecord:
    """One record as received, with its mapping (or why mapping failed)."""

    source_id: str
    payload: str
    work: Work | None
    error: str | None = None
    # False when the review's local filter rejected the record: stored, but not in the set.
    matched: bool = True
    # The connector's mapping raised on it (a bug, or a shape it does not know), as opposed to
    # a record the source itself marks unusable (SkippableRecordError).
    mapping_error: bool = False


@dataclass(frozen=True)
class PageCounts:
    received: int  # as sent, a record repeated on the page counted each time
    new: int
    changed: int
    skipped: int
    filtered_out: int = 0
    unique: int = 0  # distinct records: new + changed + unchanged
    repeated: int = 0  # of `unique`: already received earlier in this run

    @property
    def unchanged(self) -> int:
        """Records already in the store exactly as received."""
        return self.unique - self.new - self.changed


def work_row(work: Work) -> dict[str, Any]:
    """A Work as a `works` row, with the matching keys deduplication uses."""
    row = work.to_dict()
    row["work_id"] = work.key
    row["ids"] = json.dumps(dict(work.ids), sort_keys=True)
    row["title_key"] = title_key(work.title) or None
    row["first_author"] = family_name(work.authors[0]) if work.authors else None
    row["first_page"] = first_page(work.pages)
    row["pmid"] = work.ids.get("pmid")
    row["arxiv"] = work.ids.get("arxiv")
    return {name: row.get(name) for name in WORK_COLUMNS}


def write_page(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: int,
    review_id: str,
    source: str,
    connector: str,
    records: Sequence[RawRecord],
    now: datetime,
) -> PageCounts:
    """Upsert a page by (source, source_id); returns how many were new or changed."""
    latest: dict[str, RawRecord] = {r.source_id: r for r in records}  # a page may repeat one
    unique = list(latest.values())
    raw = pa.Table.from_pylist(
        [
            {
                "source": source,
                "source_id": r.source_id,
                "connector": connector,
                "payload": r.payload,
                "payload_sha": hashlib.sha256(r.payload.encode()).hexdigest(),
                "mapped": r.work is not None,
                "error": r.error,
            }
            for r in unique
        ],
        schema=RAW_SCHEMA,
    )
    con.register("page_raw", raw)
    try:
        new, changed, repeated = con.execute(
            """SELECT count(*) FILTER (WHERE r.source_id IS NULL),
                      count(*) FILTER (WHERE r.payload_sha <> p.payload_sha),
                      count(*) FILTER (WHERE r.last_run = ?)
               FROM page_raw p LEFT JOIN raw_records r
                 ON r.source = p.source AND r.source_id = p.source_id""",
            [run_id],
        ).fetchone() or (0, 0, 0)
        con.execute(
            """INSERT INTO raw_records
               SELECT source, source_id, connector, payload, payload_sha, mapped, error,
                      ? AS first_run, ? AS last_run, ? AS fetched_at FROM page_raw
               ON CONFLICT (source, source_id) DO UPDATE SET
                 payload = excluded.payload, payload_sha = excluded.payload_sha,
                 mapped = excluded.mapped, error = excluded.error,
                 last_run = excluded.last_run, fetched_at = excluded.fetched_at""",
            [run_id, run_id, now],
        )
    finally:
        con.unregister("page_raw")
    mapped = [r for r in unique if r.work is not None]
    works = [r.work for r in mapped if r.work is not None]
    if works:
        upsert_works(con, works, now)
        link_review(
            con, review_id, source, [w.key for w in works], run_id, [r.matched for r in mapped]
        )
    rejected = sum(1 for r in mapped if not r.matched)
    return PageCounts(
        received=len(records),
        new=int(new),
        changed=int(changed),
        skipped=len(unique) - len(works),
        filtered_out=rejected,
        unique=len(unique),
        repeated=int(repeated),
    )


def upsert_works(con: duckdb.DuckDBPyConnection, works: Sequence[Work], now: datetime) -> None:
    table = pa.Table.from_pylist([work_row(w) for w in works], schema=WORK_SCHEMA)
    con.register("page_works", table)
    try:
        updates = ", ".join(f"{c} = excluded.{c}" for c in WORK_COLUMNS if c != "work_id")
        con.execute(
            f"""INSERT INTO works ({", ".join(WORK_COLUMNS)}, mapped_at)
                SELECT *, ? FROM page_works
                ON CONFLICT (work_id) DO UPDATE SET {updates}, mapped_at = excluded.mapped_at""",
            [now],
        )
    finally:
        con.unregister("page_works")


def link_review(
    con: duckdb.DuckDBPyConnection,
    review_id: str,
    source: str,
    work_ids: list[str],
    run_id: int,
    matched: Sequence[bool] | None = None,
) -> None:
    """Link works to the review; `matched` is the local filter's latest verdict per work."""
    flags = list(matched) if matched is not None else [True] * len(work_ids)
    table = pa.table(
        {"work_id": pa.array(work_ids, pa.string()), "matched": pa.array(flags, pa.bool_())}
    )
    con.register("page_links", table)
    try:
        con.execute(
            """INSERT INTO review_records (review_id, work_id, source, matched, first_run, last_run)
               SELECT ?, work_id, ?, matched, ?, ? FROM page_links
               ON CONFLICT (review_id, work_id) DO UPDATE SET
                 last_run = excluded.last_run, matched = excluded.matched""",
            [review_id, source, run_id, run_id],
        )
    finally:
        con.unregister("page_links")
