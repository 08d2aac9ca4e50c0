"""Writing one page of harvested records: raw payloads, works and review links, in bulk.

A page goes in as Arrow tables in one statement per table and kind of write (never row by
row): new records are plain inserts, changed ones upserts, and records the store holds
unchanged are only marked as received. The caller wraps it in the same transaction as the
watermark it moves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from harvester.normalize import family_name, first_page, title_key
from harvester.store.known import Stored, payload_digest, stored_records
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
    # The store holds it exactly as received, mapped: it was not mapped again (`work` is None).
    known: bool = False
    updated: str | None = None  # of a `known` record: its change date at the source
    payload_sha: str = ""  # computed from `payload` when not given

    def __post_init__(self) -> None:
        if not self.payload_sha:
            object.__setattr__(self, "payload_sha", payload_digest(self.payload))


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


@dataclass(frozen=True)
class PagePlan:
    """A page's distinct records sorted by what writing them takes."""

    new: list[RawRecord]  # not in the store: plain inserts
    rewritten: list[RawRecord]  # changed, or mapped differently than stored: upserts
    relink: list[RawRecord]  # unchanged, but not linked to the review as they are now
    unchanged: list[RawRecord]  # payload as stored: only marked as received in this run
    changed: int  # of `rewritten`: with another payload

    @classmethod
    def of(cls, unique: Sequence[RawRecord], known: dict[str, Stored]) -> PagePlan:
        new: list[RawRecord] = []
        rewritten: list[RawRecord] = []
        relink: list[RawRecord] = []
        unchanged: list[RawRecord] = []
        changed = 0
        for record in unique:
            stored = known.get(record.source_id)
            if stored is None:
                new.append(record)
                continue
            other_payload = stored.payload_sha != record.payload_sha
            changed += int(other_payload)
            mapped = record.known or record.work is not None
            if other_payload or mapped != stored.mapped:
                rewritten.append(record)
                continue
            unchanged.append(record)
            if mapped and stored.linked != record.matched:
                relink.append(record)
        return cls(new, rewritten, relink, unchanged, changed)


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


_DERIVED: dict[str, Callable[[Work], Any]] = {
    "work_id": lambda w: w.key,
    "ids": lambda w: json.dumps(dict(w.ids), sort_keys=True),
    "title_key": lambda w: title_key(w.title) or None,
    "first_author": lambda w: family_name(w.authors[0]) if w.authors else None,
    "first_page": lambda w: first_page(w.pages),
    "pmid": lambda w: w.ids.get("pmid"),
    "arxiv": lambda w: w.ids.get("arxiv"),
    "titles": lambda w: [t.to_dict() for t in w.titles],
    "abstracts": lambda w: [t.to_dict() for t in w.abstracts],
}


def works_table(works: Sequence[Work]) -> pa.Table:
    """Works as `works` rows (what work_row gives), built column by column."""
    columns = [
        pa.array([derive(w) for w in works], WORK_SCHEMA.field(name).type)
        if (derive := _DERIVED.get(name))
        else pa.array([getattr(w, name) for w in works], WORK_SCHEMA.field(name).type)
        for name in WORK_COLUMNS
    ]
    return pa.Table.from_arrays(columns, schema=WORK_SCHEMA)


def write_page(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: int,
    review_id: str,
    source: str,
    connector: str,
    records: Sequence[RawRecord],
    now: datetime,
    known: dict[str, Stored] | None = None,
) -> PageCounts:
    """Write a page by (source, source_id): new records inserted, changed ones updated, those
    the store holds unchanged only marked as received (their work and keys untouched).

    `known` is what the store holds of the page's records (`stored_records`), when the caller
    has read it already; returns how many were new or changed.
    """
    latest: dict[str, RawRecord] = {r.source_id: r for r in records}  # a page may repeat one
    unique = list(latest.values())
    if known is None:
        known = stored_records(con, source, review_id, list(latest))
    plan = PagePlan.of(unique, known)
    raw_rows = RawRows(con, source, connector, run_id, now)
    raw_rows.insert(plan.new)
    raw_rows.upsert(plan.rewritten)
    raw_rows.mark_received([r.source_id for r in plan.unchanged])
    insert_works(con, [r.work for r in plan.new if r.work is not None], now)
    upsert_works(con, [r.work for r in plan.rewritten if r.work is not None], now)
    linked = [r for r in (*plan.new, *plan.rewritten, *plan.relink) if r.known or r.work]
    if linked:
        keys = [r.work.key if r.work else f"{source}:{r.source_id}" for r in linked]
        link_review(con, review_id, source, keys, run_id, [r.matched for r in linked])
    mapped = [r for r in unique if r.known or r.work is not None]
    return PageCounts(
        received=len(records),
        new=len(plan.new),
        changed=plan.changed,
        skipped=len(unique) - len(mapped),
        filtered_out=sum(1 for r in mapped if not r.matched),
        unique=len(unique),
        repeated=sum(1 for r in unique if (s := known.get(r.source_id)) and s.last_run == run_id),
    )


@dataclass(frozen=True)
class RawRows:
    """Writes of one page's raw_records rows."""

    con: duckdb.DuckDBPyConnection
    source: str
    connector: str
    run_id: int
    now: datetime

    def table(self, records: Sequence[RawRecord]) -> pa.Table:
        return pa.table(
            {
                "source": pa.array([self.source] * len(records), pa.string()),
                "source_id": pa.array([r.source_id for r in records], pa.string()),
                "connector": pa.array([self.connector] * len(records), pa.string()),
                "payload": pa.array([r.payload for r in records], pa.string()),
                "payload_sha": pa.array([r.payload_sha for r in records], pa.string()),
                "mapped": pa.array([r.work is not None for r in records], pa.bool_()),
                "error": pa.array([r.error for r in records], pa.string()),
            },
            schema=RAW_SCHEMA,
        )

    def insert(self, records: Sequence[RawRecord], conflict: str = "") -> None:
        if not records:
            return
        self.con.register("page_raw", self.table(records))
        try:
            self.con.execute(
                f"""INSERT INTO raw_records
                    SELECT *, ? AS first_run, ? AS last_run, ? AS fetched_at FROM page_raw
                    {conflict}""",
                [self.run_id, self.run_id, self.now],
            )
        finally:
            self.con.unregister("page_raw")

    def upsert(self, records: Sequence[RawRecord]) -> None:
        self.insert(
            records,
            """ON CONFLICT (source, source_id) DO UPDATE SET
                 payload = excluded.payload, payload_sha = excluded.payload_sha,
                 mapped = excluded.mapped, error = excluded.error,
                 last_run = excluded.last_run, fetched_at = excluded.fetched_at""",
        )

    def mark_received(self, source_ids: list[str]) -> None:
        """Records received again as stored: only their last run moves (fetched_at stays the
        time their payload was first received)."""
        if not source_ids:
            return
        self.con.register("page_ids", pa.table({"source_id": pa.array(source_ids, pa.string())}))
        try:
            self.con.execute(
                """UPDATE raw_records SET last_run = $run
                   WHERE source = $source AND last_run <> $run
                     AND source_id IN (SELECT source_id FROM page_ids)""",
                {"run": self.run_id, "source": self.source},
            )
        finally:
            self.con.unregister("page_ids")


def insert_works(con: duckdb.DuckDBPyConnection, works: Sequence[Work], now: datetime) -> None:
    """Works new to the store, in one plain insert."""
    if not works:
        return
    con.register("page_works", works_table(works))
    try:
        con.execute(
            f"INSERT INTO works ({', '.join(WORK_COLUMNS)}, mapped_at) SELECT *, ? FROM page_works",
            [now],
        )
    finally:
        con.unregister("page_works")


def upsert_works(con: duckdb.DuckDBPyConnection, works: Sequence[Work], now: datetime) -> None:
    if not works:
        return
    con.register("page_works", works_table(works))
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
