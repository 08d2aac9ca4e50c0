"""`harvester export`: a snapshot as a file for a screening tool or reference manager."""

from __future__ import annotations

from pathlib import Path

import click

from harvester.cli.options import db_option
from harvester.exports import FORMATS, export_records, load_snapshot_records
from harvester.review import load_review
from harvester.store import open_store


@click.command("export")
@click.argument("review_file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True, help="File format."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced whole, never half-written).",
)
@click.option(
    "--snapshot",
    "snapshot_id",
    type=int,
    default=None,
    help="Snapshot id (default: the review's latest).",
)
@db_option
def export_command(
    review_file: Path, fmt: str, out: Path, snapshot_id: int | None, db: Path
) -> None:
    """Write REVIEW_FILE's deduplicated records, one entry per cluster."""
    review = load_review(review_file)
    with open_store(db, read_only=True) as store:
        snapshot, records = load_snapshot_records(store, review.id, snapshot_id)
    count = export_records(records, fmt, out)
    click.echo(f"wrote {count} records of snapshot {snapshot} to {out}", err=True)
