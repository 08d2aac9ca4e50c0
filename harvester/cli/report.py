"""`harvester prisma` and `harvester searchlog`: reporting a review from its snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import click

from harvester.cli.options import db_option
from harvester.errors import InputError
from harvester.exports.atomic import Write, check_output, write_all_atomically, write_atomically
from harvester.reporting.prisma import prisma_report
from harvester.reporting.prisma_svg import prisma_svg
from harvester.reporting.searchlog import search_log
from harvester.reporting.snapshots import resolve_snapshot
from harvester.review import load_review
from harvester.store import open_store

snapshot_option = click.option(
    "--snapshot",
    "snapshot_id",
    type=int,
    default=None,
    help="Report up to this snapshot (default: the review's latest).",
)


@click.command("prisma")
@click.argument("review_file", type=click.Path(path_type=Path))
@snapshot_option
@click.option("--out", type=click.Path(path_type=Path), default=None, help="SVG file to write.")
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path, allow_dash=True),
    default=None,
    help="Also (or only) write the counts as JSON to this file; - prints them.",
)
@db_option
def prisma_command(
    review_file: Path, snapshot_id: int | None, out: Path | None, json_out: Path | None, db: Path
) -> None:
    """PRISMA 2020 identification counts of REVIEW_FILE, per update and cumulative."""
    if out is None and json_out is None:
        raise InputError("say where to write: --out FILE.svg and/or --json FILE.json")
    review = load_review(review_file)
    for path in (out, json_out):  # both checked before either is written
        if path is not None and str(path) != "-":
            check_output(path)
    with open_store(db, read_only=True) as store:
        snapshot = resolve_snapshot(store, review.id, snapshot_id)
        report = prisma_report(store, review.id, snapshot)
    counts = json.dumps(report.to_dict(), indent=2) + "\n"
    files: list[tuple[Path, Write]] = []
    if out is not None:
        files.append((out, lambda stream: stream.write(prisma_svg(report, review.title))))
    if json_out is not None and str(json_out) != "-":
        files.append((json_out, lambda stream: stream.write(counts)))
    write_all_atomically(files)  # both files, or neither
    if out is not None:
        click.echo(f"wrote the PRISMA flow of snapshot {snapshot} to {out}", err=True)
    if json_out is not None and str(json_out) == "-":
        click.echo(counts, nl=False)
    elif json_out is not None:
        click.echo(f"wrote the PRISMA counts of snapshot {snapshot} to {json_out}", err=True)


@click.command("searchlog")
@click.argument("review_file", type=click.Path(path_type=Path))
@snapshot_option
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Markdown file to write."
)
@db_option
def searchlog_command(review_file: Path, snapshot_id: int | None, out: Path, db: Path) -> None:
    """A PRISMA-S style search log of REVIEW_FILE (Markdown), for the methods section."""
    review = load_review(review_file)
    with open_store(db, read_only=True) as store:
        snapshot = resolve_snapshot(store, review.id, snapshot_id)
        text = search_log(store, review, snapshot)
    write_atomically(out, lambda stream: stream.write(text))
    click.echo(f"wrote the search log up to snapshot {snapshot} to {out}", err=True)
