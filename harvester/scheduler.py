"""When reviews run: one cron job per review file, nothing else.

The scheduler only decides *when*; each job opens the store, runs the review through the
runner, and closes the store again, so a manual `harvester run` can use it between jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from harvester.errors import HarvestError
from harvester.review import Review, cron_line, load_review
from harvester.runner import run_review
from harvester.store import open_store

log = logging.getLogger("harvester.scheduler")


def run_once(review_file: Path, db: Path) -> None:
    """One scheduled run; errors are logged, never allowed to stop the scheduler."""
    try:
        review = load_review(review_file)  # re-read: the team may have edited it
        with open_store(db) as store:
            result = run_review(review, store)
        log.info("review %s: run %s %s", review.id, result.run_id, result.status)
    except HarvestError as exc:
        log.error("review %s: %s", review_file, exc)


def build_scheduler(
    review_files: Sequence[Path], db: Path, job: Callable[[Path, Path], None] = run_once
) -> tuple[BlockingScheduler, list[Review]]:
    reviews = [load_review(path) for path in review_files]
    scheduler = BlockingScheduler(timezone="UTC")
    for review in reviews:
        scheduler.add_job(
            job,
            CronTrigger.from_crontab(cron_line(review.schedule), timezone="UTC"),
            args=[review.path, db],
            id=review.id,
            name=review.title,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=6 * 3600,
        )
    return scheduler, reviews
