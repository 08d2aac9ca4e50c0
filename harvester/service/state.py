"""The schedule's memory in the store (`schedule_state`, migration 0007).

`ScheduleStore` is what the service needs from it; `DuckDBScheduleStore` keeps it in the
DuckDB store beside the runs. Only the worker thread writes (it is the store's one writer);
the service reads everything once, at start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from harvester.scheduler import SUCCESS, Entry
from harvester.secrets import mask_optional
from harvester.store import Store

_COLUMNS = "review_id, cron, next_due, attempt, last_job_at, last_outcome, last_run_id, last_error"


class ScheduleStore(Protocol):
    def entries(self) -> list[Entry]: ...

    def save(self, entry: Entry, now: datetime) -> None: ...

    def last_success(self, review_id: str) -> datetime | None:
        """Start of the review's latest run that published a snapshot, by any process."""
        ...

    def close_abandoned_runs(self) -> int:
        """Runs a dead process left "running" become "interrupted" (we hold the store)."""
        ...


class DuckDBScheduleStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def entries(self) -> list[Entry]:
        rows = self.store.rows(f"SELECT {_COLUMNS} FROM schedule_state ORDER BY review_id")
        return [Entry(*row) for row in rows]

    def save(self, entry: Entry, now: datetime) -> None:
        self.store.execute(
            f"""INSERT OR REPLACE INTO schedule_state ({_COLUMNS}, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                entry.review_id,
                entry.cron,
                entry.next_due,
                entry.attempt,
                entry.last_job_at,
                entry.last_outcome,
                entry.last_run_id,
                mask_optional(entry.last_error),
                now,
            ],
        )

    def last_success(self, review_id: str) -> datetime | None:
        value = self.store.value(
            f"SELECT max(started_at) FROM runs WHERE review_id = ? AND status IN {SUCCESS}",
            [review_id],
        )
        return value if isinstance(value, datetime) else None

    def close_abandoned_runs(self) -> int:
        # The store's lock says no other process writes it, so every "running" run is dead,
        # even one whose recorded pid is ours again (PID 1 in a restarted container).
        with self.store.transaction() as con:
            row = con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()
            con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            con.execute("UPDATE run_sources SET status = 'interrupted' WHERE status = 'running'")
        count = int(row[0]) if row else 0
        return count
