"""`harvester export`: a snapshot as a file for a screening tool or reference manager."""

from __future__ import annotations

from pathlib import Path

import click

from harvester.cli.options import db_option
from harvester.errors import InputError, StoreError
from harvester.exports import FORMATS, export_records
from harvester.exports.screener_log import given_clusters, remember_export, screener_name
from harvester.exports.stream import scope_ids, stream_records
from harvester.reporting.snapshots import resolve_snapshot
from harvester.review import load_review
from harvester.runner import now_utc
from harvester.store import open_store


@click.command("export")
@click.argument("review_file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True, help="File format."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
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
@click.option(
    "--new-since",
    "since_id",
    type=int,
    default=None,
    metavar="ID",
    help="Only the clusters that are not in snapshot ID.",
)
@click.option(
    "--for",
    "screener",
    default=None,
    metavar="NAME",
    help="Only what screener NAME has not been given yet, and remember what they get.",
)
@db_option
def export_command(
    review_file: Path,
    fmt: str,
    out: Path,
    snapshot_id: int | None,
    since_id: int | None,
    screener: str | None,
    db: Path,
) -> None:
    """Write REVIEW_FILE's deduplicated records, one entry per cluster."""
    review = load_review(review_file)
    if since_id is not None and screener is not None:
        raise InputError("use either --new-since or --for, not both")
    if screener is not None:
        screener = screener_name(screener)
        if not db.exists():  # a writable open would create an empty store
            raise StoreError(f"no store at {db}; run a review first (harvester run REVIEW_FILE)")
    with open_store(db, read_only=screener is None) as store:
        snapshot = resolve_snapshot(store, review.id, snapshot_id)
        since = None if since_id is None else resolve_snapshot(store, review.id, since_id)
        given = set() if screener is None else given_clusters(store, review.id, screener)
        ids = scope_ids(store, snapshot, since, given)
        scope = "" if since is None else f", new since snapshot {since},"
        publish = None
        if screener is not None:
            scope = f" not yet given to {screener}"
            publish = remember_export(
                store,
                review_id=review.id,
                screener=screener,
                snapshot_id=snapshot,
                cluster_ids=ids,
                fmt=fmt,
                out=out,
                now=now_utc(),
            )
        records = stream_records(store, snapshot, ids, review.screening_language)
        count = export_records(records, fmt, out, publish)
    click.echo(f"wrote {count} records of snapshot {snapshot}{scope} to {out}", err=True)
