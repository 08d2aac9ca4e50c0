"""`harvester serve`: run reviews on their schedules, as a background service."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import click

from harvester.cli.options import db_option
from harvester.scheduler import build_scheduler


@click.command("serve")
@click.argument("review_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
def serve_command(review_files: tuple[Path, ...], db: Path) -> None:
    """Run each REVIEW_FILE on its `schedule` until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    scheduler, reviews = build_scheduler(review_files, db)
    for job in scheduler.get_jobs():
        click.echo(f"{job.id}: {job.trigger}", err=True)
    click.echo(f"serving {len(reviews)} review(s) into {db}; Ctrl-C to stop", err=True)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
