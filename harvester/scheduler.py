"""When reviews run: cron slots, catch-up after downtime, retries after a failure, jitter.

Pure decisions, no threads and no store: `Schedule` holds one `Entry` per review (loaded from
and saved to the store by the service) and answers "which reviews are due now?". The rules:

* a review that never ran, or whose last successful run started before its latest slot, is
  due at once, and runs once however many slots it missed (catch-up after downtime);
* after a success, the next slot after the run's start (plus a random jitter, so many
  installations do not all call a source at 03:00:00);
* after a failure, up to `retries` retries with doubling backoff (never past the next slot),
  then the next slot;
* a run interrupted by a shutdown stays due, so the next start finishes its work.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from harvester.review import cron_line

SUCCESS = ("ok", "partial")  # a snapshot was published


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 2  # tries after a failed run before waiting for the next slot
    backoff: timedelta = timedelta(minutes=10)  # first retry after this, then doubling
    jitter: timedelta = timedelta(minutes=5)  # scheduled runs start up to this late


@dataclass(frozen=True)
class Entry:
    """What the scheduler knows about one review (a `schedule_state` row)."""

    review_id: str
    cron: str
    next_due: datetime  # naive UTC, like every stored time
    attempt: int = 0
    last_job_at: datetime | None = None
    last_outcome: str | None = None
    last_run_id: int | None = None
    last_error: str | None = None


def next_slot(schedule: str, after: datetime) -> datetime:
    """The first slot of `schedule` strictly after `after` (naive UTC in and out)."""
    trigger = CronTrigger.from_crontab(cron_line(schedule), timezone="UTC")
    start = after.replace(tzinfo=UTC) + timedelta(seconds=1)
    fire = trigger.get_next_fire_time(None, start.replace(microsecond=0))
    assert isinstance(fire, datetime)  # a cron line always fires again
    return fire.astimezone(UTC).replace(tzinfo=None)


def first_entry(
    review_id: str, schedule: str, last_success: datetime | None, now: datetime
) -> Entry:
    """A review the scheduler has not planned yet (new, or its schedule changed)."""
    cron = cron_line(schedule)
    due = now if last_success is None else next_slot(cron, last_success)
    return Entry(review_id, cron, due)


def after_job(
    entry: Entry,
    *,
    outcome: str,
    started: datetime,
    finished: datetime,
    run_id: int | None,
    error: str | None,
    policy: RetryPolicy,
    rng: Callable[[], float] = random.random,
) -> Entry:
    """The entry once a job of this review ended with `outcome`."""
    done = replace(
        entry, last_job_at=finished, last_outcome=outcome, last_run_id=run_id, last_error=error
    )
    slot = next_slot(entry.cron, started) + policy.jitter * rng()
    if outcome in SUCCESS:
        return replace(done, next_due=slot, attempt=0)
    if outcome == "interrupted":
        return replace(done, next_due=min(entry.next_due, finished))
    if entry.attempt < policy.retries:
        retry = finished + policy.backoff * (2**entry.attempt)
        return replace(done, next_due=min(retry, slot), attempt=entry.attempt + 1)
    return replace(done, next_due=slot, attempt=0)


class Schedule:
    """The planned next run of every served review; thread-safe."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries = {e.review_id: e for e in entries}
        self._lock = threading.Lock()

    def get(self, review_id: str) -> Entry | None:
        with self._lock:
            return self._entries.get(review_id)

    def put(self, entry: Entry) -> None:
        with self._lock:
            self._entries[entry.review_id] = entry

    def plan(
        self,
        review_id: str,
        schedule: str,
        last_success: Callable[[], datetime | None],
        now: datetime,
    ) -> Entry:
        """The review's entry, made anew when it has none or its schedule changed."""
        with self._lock:
            entry = self._entries.get(review_id)
            if entry is None or entry.cron != cron_line(schedule):
                planned = first_entry(review_id, schedule, last_success(), now)
                if entry is not None:  # keep its history, only the plan changes
                    planned = replace(
                        entry, cron=planned.cron, next_due=planned.next_due, attempt=0
                    )
                self._entries[review_id] = entry = planned
            return entry

    def due(self, now: datetime, review_ids: Iterable[str]) -> list[str]:
        """The reviews (among those served) whose next run is at or before `now`, oldest first."""
        with self._lock:
            entries = [self._entries[r] for r in review_ids if r in self._entries]
        return [
            e.review_id
            for e in sorted(entries, key=lambda e: (e.next_due, e.review_id))
            if e.next_due <= now
        ]
