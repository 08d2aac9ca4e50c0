"""The scheduler's decisions: cron slots, catch-up after downtime, retries, jitter, the queue."""

from __future__ import annotations

from datetime import datetime, timedelta

from harvester.scheduler import Entry, RetryPolicy, Schedule, after_job, first_entry, next_slot
from harvester.service.queue import Job, MemoryQueue

MONDAY_3AM = datetime(2026, 11, 30, 3, 0)
POLICY = RetryPolicy(retries=2, backoff=timedelta(minutes=10), jitter=timedelta(minutes=5))


def test_slots_of_named_schedules_and_cron_lines() -> None:
    assert next_slot("weekly", datetime(2026, 11, 28)) == MONDAY_3AM  # Mondays at 03:00 UTC
    assert next_slot("weekly", MONDAY_3AM) == MONDAY_3AM + timedelta(days=7)  # strictly after
    assert next_slot("30 2 * * *", datetime(2026, 11, 28, 12)) == datetime(2026, 11, 29, 2, 30)
    assert next_slot("monthly", datetime(2026, 11, 28)) == datetime(2026, 12, 1, 3, 0)


def test_a_review_that_never_ran_is_due_at_once() -> None:
    now = datetime(2026, 11, 28, 12, 0)
    assert first_entry("r", "weekly", None, now).next_due == now


def test_a_missed_slot_is_due_once_not_once_per_slot() -> None:
    now = datetime(2026, 11, 28, 12, 0)
    # Last success ten days ago: eight daily slots passed; the review is due (once) now.
    entry = first_entry("r", "daily", now - timedelta(days=10), now)
    assert entry.next_due <= now
    schedule = Schedule([entry])
    assert schedule.due(now, ["r"]) == ["r"]
    done = after_job(
        entry,
        outcome="ok",
        started=now,
        finished=now,
        run_id=1,
        error=None,
        policy=POLICY,
        rng=lambda: 0.0,
    )
    assert done.next_due == datetime(2026, 11, 29, 3, 0)  # the next slot, not an older one
    # Ran yesterday after 03:00: nothing missed, the next slot is tomorrow's.
    assert first_entry("r", "daily", datetime(2026, 11, 28, 3, 5), now).next_due == datetime(
        2026, 11, 29, 3
    )


def test_failures_retry_with_doubling_backoff_then_wait_for_the_next_slot() -> None:
    start = datetime(2026, 11, 30, 3, 0)
    entry = Entry("r", "0 3 * * *", start)
    dues = []
    for _ in range(4):
        entry = after_job(
            entry,
            outcome="failed",
            started=start,
            finished=start,
            run_id=None,
            error="HTTP 503",
            policy=POLICY,
            rng=lambda: 0.0,
        )
        dues.append((entry.next_due - start, entry.attempt))
    assert dues == [
        (timedelta(minutes=10), 1),
        (timedelta(minutes=20), 2),
        (timedelta(days=1), 0),  # retries spent: the next slot, with a fresh count
        (timedelta(minutes=10), 1),
    ]
    assert entry.last_error == "HTTP 503"


def test_jitter_delays_a_scheduled_run_within_its_bound() -> None:
    entry = Entry("r", "0 3 * * *", MONDAY_3AM)
    late = after_job(
        entry,
        outcome="ok",
        started=MONDAY_3AM,
        finished=MONDAY_3AM,
        run_id=1,
        error=None,
        policy=POLICY,
        rng=lambda: 0.5,
    )
    assert late.next_due == MONDAY_3AM + timedelta(days=1, minutes=2, seconds=30)


def test_an_interrupted_run_stays_due() -> None:
    entry = Entry("r", "0 3 * * *", MONDAY_3AM)
    after = after_job(
        entry,
        outcome="interrupted",
        started=MONDAY_3AM,
        finished=MONDAY_3AM + timedelta(minutes=1),
        run_id=4,
        error=None,
        policy=POLICY,
    )
    assert after.next_due == MONDAY_3AM
    assert after.last_outcome == "interrupted"


def test_reviews_due_together_come_out_oldest_first_and_a_changed_schedule_replans() -> None:
    now = datetime(2026, 11, 30, 3, 0)
    schedule = Schedule([Entry(name, "0 3 * * *", now) for name in ("c", "a", "b")])
    schedule.put(Entry("late", "0 3 * * *", now + timedelta(hours=1)))
    assert schedule.due(now, ["a", "b", "c", "late"]) == ["a", "b", "c"]
    assert schedule.due(now, ["b"]) == ["b"]  # only the reviews still served
    replanned = schedule.plan("a", "monthly", lambda: now, now)
    assert replanned.cron == "0 3 1 * *"
    assert replanned.next_due == datetime(2026, 12, 1, 3, 0)


def test_the_queue_runs_one_job_at_a_time_and_never_queues_a_review_twice() -> None:
    queue = MemoryQueue()
    now = datetime(2026, 11, 30, 3, 0)
    assert queue.put(Job("a", "scheduled", now))
    assert queue.put(Job("b", "scheduled", now))
    assert not queue.put(Job("a", "manual", now))  # already waiting
    first = queue.take(0.1)
    assert first is not None and first.review_id == "a"
    assert not queue.put(Job("a", "manual", now))  # running
    assert queue.running() == first
    assert [j.review_id for j in queue.waiting()] == ["b"]
    queue.done(first)
    assert queue.put(Job("a", "manual", now))
    queue.close()
    assert queue.take(0.1) is None  # closed: no more jobs, the waiting ones are dropped
    assert not queue.put(Job("c", "manual", now))
