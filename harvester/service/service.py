"""The service's threads: the scheduler tick (main thread), one worker, the status page.

The main thread re-reads changed review files, plans each review's next run, queues the due
ones and handles SIGTERM/SIGINT; the worker thread takes queued jobs one at a time and is the
store's only writer; the web thread answers requests with read-only cursors on the same
database, so a page sees the last committed state while a run writes.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from types import FrameType

import duckdb

from harvester.notify.config import NotifyConfig
from harvester.runner import now_utc
from harvester.scheduler import Entry, RetryPolicy, Schedule
from harvester.service.backup import BackupPolicy, backup_if_due
from harvester.service.catalog import ReviewCatalog, ServedReview
from harvester.service.queue import Job, JobQueue, MemoryQueue
from harvester.service.state import DuckDBScheduleStore
from harvester.service.worker import Worker
from harvester.store import Store

log = logging.getLogger("harvester.service")
TICK = 1.0  # seconds between looks at the clock and the review files
SHUTDOWN_GRACE = (
    6.0  # seconds the current run gets to reach a page boundary (then 2 s for the page)
)


@dataclass(frozen=True)
class LiveReview:
    """What the page shows of a review besides its stored history."""

    served: ServedReview
    entry: Entry | None
    state: str  # idle | queued | running


class Service:
    def __init__(
        self,
        catalog: ReviewCatalog,
        store: Store,
        *,
        policy: RetryPolicy | None = None,
        notify: list[NotifyConfig] | None = None,
        queue: JobQueue | None = None,
        backups: BackupPolicy | None = None,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.queue: JobQueue = queue or MemoryQueue()
        self.backups = backups
        self.stop = threading.Event()
        self.state = DuckDBScheduleStore(store)
        self.schedule = Schedule(self.state.entries())
        self.worker = Worker(
            store,
            self.state,
            self.schedule,
            review_file=self._review_path,
            policy=policy or RetryPolicy(),
            stop=self.stop,
            notify=notify or [],
            clock=clock,
        )
        # Readers get cursors of their own on the same database, never the writer's connection.
        self._reader_root = store.con.cursor()
        self._reader_lock = threading.Lock()
        # The tick thread reads the store through a cursor of its own as well.
        self._tick_state = DuckDBScheduleStore(
            Store(store.con.cursor(), store.path, read_only=True)
        )
        self._heartbeat = time.monotonic()
        self._worker_thread = threading.Thread(
            target=self._work, name="harvester-worker", daemon=True
        )
        self.signal_name: str | None = None
        self._started = clock()

    # -- reading, for the status page ------------------------------------------------------
    @contextmanager
    def reader(self) -> Iterator[Store]:
        with self._reader_lock:
            cursor = self._reader_root.cursor()
        try:
            yield Store(cursor, self.store.path, read_only=True)
        finally:
            cursor.close()

    def live(self) -> list[LiveReview]:
        running = self.queue.running()
        waiting = {j.review_id for j in self.queue.waiting()}
        out = []
        for served in list(self.catalog.files.values()):
            review_id = served.review.id if served.review else None
            state = "idle"
            if review_id and running and running.review_id == review_id:
                state = "running"
            elif review_id in waiting:
                state = "queued"
            out.append(
                LiveReview(served, self.schedule.get(review_id) if review_id else None, state)
            )
        return out

    def healthy(self) -> tuple[bool, dict[str, object]]:
        loop_alive = time.monotonic() - self._heartbeat < 10 * TICK and not self.stop.is_set()
        worker_alive = self._worker_thread.is_alive()
        try:
            with self.reader() as store:
                store_ok = store.value("SELECT 1") == 1
        except duckdb.Error:
            store_ok = False
        ok = loop_alive and worker_alive and store_ok
        running = self.queue.running()
        return ok, {
            "status": "ok" if ok else "unavailable",
            "scheduler": "alive" if loop_alive else "stopped",
            "worker": "alive" if worker_alive else "stopped",
            "store": "ok" if store_ok else "unavailable",
            "running": running.review_id if running else None,
            "queued": [j.review_id for j in self.queue.waiting()],
        }

    def run_now(self, review_id: str) -> bool:
        if self.catalog.review(review_id) is None:
            return False
        return self.queue.put(Job(review_id, "manual", self.clock()))

    # -- the loop ----------------------------------------------------------------------------
    def _review_path(self, review_id: str) -> Path | None:
        served = self.catalog.review(review_id)
        return served.path if served else None

    def start(self) -> None:
        self._started = self.clock()
        abandoned = self.state.close_abandoned_runs()
        if abandoned:
            log.warning(
                "%d run(s) left running by an earlier process marked interrupted", abandoned
            )
        self.tick()
        self._worker_thread.start()

    def tick(self) -> None:
        """Re-read changed review files, plan new or rescheduled reviews, queue the due ones."""
        self._heartbeat = time.monotonic()
        now = self.clock()
        served = [s.review for s in self.catalog.scan() if s.review is not None]
        for review in served:
            before = self.schedule.get(review.id)
            entry = self.schedule.plan(
                review.id,
                review.schedule,
                partial(self._tick_state.last_success, review.id),
                now,
            )
            if before is None or before.cron != entry.cron:
                reason = "never ran" if before is None and entry.next_due == now else "planned"
                log.info(
                    "%s: next run %s UTC (%s)",
                    review.id,
                    f"{entry.next_due:%Y-%m-%d %H:%M:%S}",
                    reason,
                    extra={
                        "event": "scheduled",
                        "review": review.id,
                        "next_due": entry.next_due.isoformat() + "Z",
                    },
                )
        for review_id in self.schedule.due(now, [r.id for r in served]):
            reason = self._reason(self.schedule.get(review_id))
            if self.queue.put(Job(review_id, reason, now)):
                log.info(
                    "%s queued (%s)",
                    review_id,
                    reason,
                    extra={"event": "queued", "review": review_id, "reason": reason},
                )

    def _reason(self, entry: Entry | None) -> str:
        if entry is None or entry.attempt:
            return f"retry {entry.attempt}" if entry else "scheduled"
        if entry.next_due < self._started:
            return "catch-up"  # its slot passed while the service was stopped
        if entry.last_outcome is None and self._tick_state.last_success(entry.review_id) is None:
            return "first run"
        return "scheduled"

    def _work(self) -> None:
        while not self.stop.is_set():
            job = self.queue.take(timeout=TICK)
            if job is None:
                continue
            try:
                self.worker.run(job)
            except Exception:  # recording or alerting failed: a bug, logged; the loop goes on
                log.exception(
                    "job of %s failed after its run",
                    job.review_id,
                    extra={"event": "job_failed", "review": job.review_id},
                )
            finally:
                self.queue.done(job)
            if not self.stop.is_set():
                backup_if_due(self.store, self.backups, self.clock())

    def serve_forever(self) -> None:
        """Tick until SIGTERM or SIGINT; then stop taking jobs and let the current one stop."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        while not self.stop.wait(TICK):
            self.tick()

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self.signal_name = signal.Signals(number).name
        self.stop.set()

    def shutdown(self, grace: float = SHUTDOWN_GRACE) -> bool:
        """Stop the queue and wait for the current run; True when it stopped in time."""
        self.stop.set()
        self.queue.close()
        running = self.queue.running()
        self._worker_thread.join(grace)
        finished = not self._worker_thread.is_alive()
        what = f"run of {running.review_id} interrupted" if running else "no run in progress"
        if not finished and running:
            what = (
                f"run of {running.review_id} still in a request or deduplication: left unfinished"
            )
        log.info(
            "stopping on %s: %s; committed pages are kept, missed work runs at the next start",
            self.signal_name or "request",
            what,
            extra={"event": "shutdown", "signal": self.signal_name, "clean": finished},
        )
        return finished
