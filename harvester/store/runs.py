"""Run bookkeeping and watermarks: what each run asked, got, and how far each source is known."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

import duckdb

from harvester.processes import alive
from harvester.secrets import mask, mask_optional
from harvester.store.database import Store


def register_review(store: Store, review_id: str, title: str, path: str) -> None:
    store.execute(
        """INSERT INTO reviews (review_id, title, path) VALUES (?, ?, ?)
           ON CONFLICT (review_id) DO UPDATE SET title = excluded.title, path = excluded.path""",
        [review_id, title, path],
    )


def mark_abandoned_runs(store: Store) -> int:
    """Runs left "running" by a process that died are closed as interrupted."""
    stale = store.rows("SELECT run_id, pid FROM runs WHERE status = 'running'")
    dead = [run_id for run_id, pid in stale if not alive(pid)]
    for run_id in dead:
        store.execute("UPDATE runs SET status = 'interrupted' WHERE run_id = ?", [run_id])
        store.execute(
            "UPDATE run_sources SET status = 'interrupted' WHERE run_id = ? AND status = 'running'",
            [run_id],
        )
    return len(dead)


def start_run(store: Store, review_id: str, started: datetime, full: bool) -> int:
    run_id = int(store.value("SELECT nextval('run_id_seq')"))
    store.execute(
        "INSERT INTO runs (run_id, review_id, started_at, status, full_harvest, pid)"
        " VALUES (?, ?, ?, 'running', ?, ?)",
        [run_id, review_id, started, full, os.getpid()],
    )
    return run_id


def finish_run(store: Store, run_id: int, status: str, finished: datetime) -> None:
    store.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?", [status, finished, run_id]
    )


def start_source(
    store: Store,
    *,
    run_id: int,
    source: str,
    connector: str,
    query_sent: str,
    notes: Sequence[str],
    exact: bool | None,
    window_from: datetime | None,
    window_until: datetime,
    started: datetime,
    explanation: str | None = None,
) -> None:
    store.execute(
        """INSERT INTO run_sources (run_id, source, connector, query_sent, notes, exact,
                                    window_from, window_until, started_at, status, explanation)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)""",
        [
            run_id,
            source,
            connector,
            mask(query_sent),  # the search log shows it: never with a key in it
            [mask(note) for note in notes],
            exact,
            window_from,
            window_until,
            started,
            mask_optional(explanation),
        ],
    )


def count_page(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    source: str,
    *,
    requests: int,
    records: int,
    new: int,
    changed: int,
    skipped: int,
    total_hits: int | None,
    filtered_out: int = 0,
    mapping_errors: int = 0,
) -> None:
    con.execute(
        """UPDATE run_sources SET requests = ?, records = records + ?,
                  new_records = new_records + ?, changed = changed + ?, skipped = skipped + ?,
                  filtered_out = filtered_out + ?, total_hits = coalesce(?, total_hits),
                  mapping_errors = mapping_errors + ?
           WHERE run_id = ? AND source = ?""",
        [
            requests,
            records,
            new,
            changed,
            skipped,
            filtered_out,
            total_hits,
            mapping_errors,
            run_id,
            source,
        ],
    )


def mark_source_read(con: duckdb.DuckDBPyConnection, run_id: int, source: str) -> None:
    """The source's whole window is stored (finish_source adds its requests and end time)."""
    con.execute(
        "UPDATE run_sources SET status = 'ok' WHERE run_id = ? AND source = ?", [run_id, source]
    )


def finish_source(
    store: Store,
    run_id: int,
    source: str,
    *,
    status: str,
    error: str | None,
    requests: int,
    finished: datetime,
) -> None:
    store.execute(
        """UPDATE run_sources SET status = ?, error = ?, requests = ?, finished_at = ?
           WHERE run_id = ? AND source = ?""",
        [status, mask_optional(error), requests, finished, run_id, source],
    )


def watermark(store: Store, review_id: str, source: str, query_hash: str) -> datetime | None:
    value = store.value(
        "SELECT watermark FROM harvest_state WHERE review_id = ? AND source = ? AND query_hash = ?",
        [review_id, source, query_hash],
    )
    return value if isinstance(value, datetime) else None


def move_watermark(
    con: duckdb.DuckDBPyConnection,
    review_id: str,
    source: str,
    query_hash: str,
    to: datetime,
    run_id: int,
    now: datetime,
) -> None:
    """Advance (never move back) the watermark; call inside the page's transaction."""
    con.execute(
        """INSERT INTO harvest_state (review_id, source, query_hash, watermark, run_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (review_id, source, query_hash) DO UPDATE SET
             watermark = greatest(harvest_state.watermark, excluded.watermark),
             run_id = excluded.run_id, updated_at = excluded.updated_at""",
        [review_id, source, query_hash, to, run_id, now],
    )
