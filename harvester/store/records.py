"""Writing one page of harvested records: raw payloads, works and review links, in bulk.

A page goes in as Arrow tables in one statement per table and kind of write (never row by
row): new records are plain inserts, changed ones upserts, and records the store holds
unchanged are only marked as received. The caller wraps it in the same transaction as the
watermark it moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from harvester.store.known import Stored, payload_digest, stored_records
from harvester.store.works import insert_works, link_review, upsert_works, work_row
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
    judged_by: str | None = None  # the local filter that gave `matched` (its filter_key)

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
    relink: list[RawRecord]  # unchanged, but not linked (or judged) as they are now
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
            if mapped and (
                stored.linked != record.matched
                or (record.judged_by is not None and stored.judged_by != record.judged_by)
            ):
                relink.append(record)
        return cls(new, rewritten, relink, unchanged, changed)


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
    # A record new to the store has no review link yet: its links are plain inserts.
    for records_linked, first in ((plan.new, True), ((*plan.rewritten, *plan.relink), False)):
        linked = [r for r in records_linked if r.known or r.work]
        if linked:
            keys = [r.work.key if r.work else f"{source}:{r.source_id}" for r in linked]
            verdicts = [r.matched for r in linked]
            judges = [r.judged_by for r in linked]
            link_review(con, review_id, source, keys, run_id, verdicts, judges, first=first)
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


# upsert_works and work_row live in harvester/store/works.py; imported from here by callers
# that wrote works before that module existed.
__all__ = ["RAW_SCHEMA", "PageCounts", "RawRecord", "upsert_works", "work_row", "write_page"]
