"""One job: re-read the review file, run it, record the outcome, send its alerts.

Nothing a job raises leaves here: a user error (a broken review file, a store problem) is
logged in one line and recorded as the job's outcome; a bug is logged with its traceback and
recorded too, and the service takes the next job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harvester.errors import HarvestError
from harvester.http import HttpClient
from harvester.notify import events
from harvester.notify.config import NotifyConfig
from harvester.notify.send import deliver
from harvester.review import Review, load_review
from harvester.runner import RunResult, RunStopped, now_utc, run_review
from harvester.scheduler import Entry, RetryPolicy, Schedule, after_job, first_entry
from harvester.secrets import mask
from harvester.service.queue import Job
from harvester.service.state import ScheduleStore
from harvester.store import Store

log = logging.getLogger("harvester.service")


@dataclass(frozen=True)
class JobOutcome:
    review_id: str
    outcome: str  # ok | partial | failed | interrupted | error
    run_id: int | None = None
    error: str | None = None
    result: RunResult | None = None
    review: Review | None = None


class Worker:
    """Runs jobs against the store it owns; `stop` ends a run after its last committed page."""

    def __init__(
        self,
        store: Store,
        state: ScheduleStore,
        schedule: Schedule,
        *,
        review_file: Callable[[str], Path | None],
        policy: RetryPolicy,
        stop: threading.Event,
        notify: Sequence[NotifyConfig] = (),
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.store = store
        self.state = state
        self.schedule = schedule
        self.review_file = review_file
        self.policy = policy
        self.stop = stop
        self.notify = list(notify)
        self.clock = clock

    def _sleep(self, seconds: float) -> None:
        """Waits between retries and for rate limits, cut short by a shutdown."""
        if self.stop.wait(seconds):
            raise RunStopped()

    def run(self, job: Job) -> JobOutcome:
        started = self.clock()
        outcome = self._run(job)
        self._record(outcome, started)
        if outcome.outcome != "interrupted":
            self._alert(outcome)
        return outcome

    def _run(self, job: Job) -> JobOutcome:
        path = self.review_file(job.review_id)
        if path is None:
            return JobOutcome(job.review_id, "error", error="its review file is no longer served")
        log.info(
            "run of %s starting (%s)",
            job.review_id,
            job.reason,
            extra={"event": "run_started", "review": job.review_id, "reason": job.reason},
        )
        try:
            review = load_review(path)  # re-read: the team may have edited it
            with HttpClient(contact=review.contact, sleep=self._sleep) as http:
                result = run_review(review, self.store, http=http, should_stop=self.stop.is_set)
        except RunStopped:
            run_id = self.store.value(
                "SELECT max(run_id) FROM runs WHERE review_id = ? AND status = 'interrupted'",
                [job.review_id],
            )
            log.info(
                "run %s of %s interrupted by the shutdown; committed pages are kept",
                run_id,
                job.review_id,
                extra={"event": "run_interrupted", "review": job.review_id, "run_id": run_id},
            )
            return JobOutcome(job.review_id, "interrupted", run_id)
        except HarvestError as exc:
            error = mask(str(exc))
            log.error(
                "run of %s failed: %s",
                job.review_id,
                error,
                extra={"event": "run_failed", "review": job.review_id},
            )
            return JobOutcome(job.review_id, "error", error=error)
        except Exception as exc:  # a bug: keep its traceback, keep the service
            log.exception(
                "run of %s failed with an internal error",
                job.review_id,
                extra={"event": "run_failed", "review": job.review_id},
            )
            return JobOutcome(job.review_id, "error", error=mask(f"internal error: {exc!r}"))
        errors = "; ".join(f"{s.source}: {s.error}" for s in result.sources if s.error)
        snapshot = result.snapshot
        log.info(
            "run %s of %s %s: %s",
            result.run_id,
            review.id,
            result.status,
            f"snapshot {snapshot.snapshot_id}, {snapshot.clusters} records, "
            f"{snapshot.new_clusters} new"
            if snapshot
            else "no snapshot",
            extra={
                "event": "run_finished",
                "review": review.id,
                "run_id": result.run_id,
                "status": result.status,
                "snapshot": snapshot.snapshot_id if snapshot else None,
                "new_records": snapshot.new_clusters if snapshot else 0,
            },
        )
        return JobOutcome(
            review.id, result.status, result.run_id, mask(errors) or None, result, review
        )

    def _record(self, outcome: JobOutcome, started: datetime) -> None:
        entry = self.schedule.get(outcome.review_id)
        if entry is None:  # served since the last tick: plan it now
            review = outcome.review
            entry = first_entry(
                outcome.review_id, review.schedule if review else "weekly", None, started
            )
        entry = after_job(
            entry,
            outcome=outcome.outcome,
            started=started,
            finished=self.clock(),
            run_id=outcome.run_id,
            error=outcome.error,
            policy=self.policy,
        )
        self.schedule.put(entry)
        self.state.save(entry, self.clock())
        _log_next(entry)

    def _alert(self, outcome: JobOutcome) -> None:
        """Each alert target gets the alerts of this job that it asked for."""
        review = outcome.review
        configs = [*self.notify, *([review.notify] if review and review.notify else [])]
        if not configs:
            return
        title = review.title if review else outcome.review_id
        common: list[events.Alert] = []
        if outcome.outcome in ("failed", "error"):
            error = outcome.error or "no source could be harvested"
            common.append(events.run_failed(outcome.review_id, title, outcome.run_id, error))
        result = outcome.result
        if result is not None and result.snapshot is not None:
            common += events.snapshot_alerts(
                self.store, outcome.review_id, title, result.snapshot.snapshot_id
            )
        for config in configs:
            failing = (
                events.failing_sources(
                    self.store, outcome.review_id, title, result.run_id, config.source_failures
                )
                if result is not None
                else []
            )
            deliver([*common, *failing], [config])


def _log_next(entry: Entry) -> None:
    log.info(
        "%s next due %s UTC%s",
        entry.review_id,
        f"{entry.next_due:%Y-%m-%d %H:%M:%S}",
        f" (retry {entry.attempt})" if entry.attempt else "",
        extra={
            "event": "scheduled",
            "review": entry.review_id,
            "next_due": entry.next_due.isoformat() + "Z",
        },
    )
