"""The scheduler decides when reviews run, from their `schedule`, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from harvester.scheduler import build_scheduler
from tests.conftest import ROOT


def test_one_cron_job_per_review(tmp_path: Path) -> None:
    calls: list[tuple[Path, Path]] = []
    scheduler, reviews = build_scheduler(
        [ROOT / "config" / "reviews" / "egov-oss.toml"],
        tmp_path / "s.duckdb",
        job=lambda review, db: calls.append((review, db)),
    )
    (job,) = scheduler.get_jobs()
    assert job.id == "egov-oss"
    assert reviews[0].schedule == "weekly"
    # Weekly: Mondays at 03:00 UTC.
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 11, 28, tzinfo=UTC))
    assert fire == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    job.func(*job.args)
    assert calls == [(ROOT / "config" / "reviews" / "egov-oss.toml", tmp_path / "s.duckdb")]


def test_cron_line_schedule(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    review.write_text(
        '[review]\nschedule = "30 2 * * *"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "crossref"\n'
    )
    scheduler, _ = build_scheduler([review], tmp_path / "s.duckdb", job=lambda r, d: None)
    (job,) = scheduler.get_jobs()
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 11, 28, 12, tzinfo=UTC))
    assert fire == datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
