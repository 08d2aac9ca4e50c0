"""`harvester snapshots list|show|diff`: the result sets a review published, and changes."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from harvester.cli.options import db_option
from harvester.reporting.diff import ClusterChange, diff_snapshots
from harvester.reporting.links import snapshot_links
from harvester.reporting.snapshots import (
    SnapshotInfo,
    export_record,
    previous_snapshot,
    review_snapshots,
    snapshot_clusters,
    snapshot_info,
    snapshot_members,
)
from harvester.review import load_review
from harvester.store import open_store


def _console() -> Console:
    return Console(width=max(120, Console().width), highlight=False)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group("snapshots")
def snapshots_group() -> None:
    """List, show and compare the snapshots a review's runs published."""


@snapshots_group.command("list")
@click.argument("review_file", type=click.Path(path_type=Path))
@db_option
def list_command(review_file: Path, db: Path) -> None:
    """Every snapshot of REVIEW_FILE, oldest first."""
    review = load_review(review_file)
    with open_store(db, read_only=True) as store:
        infos = [snapshot_info(store, sid) for sid in review_snapshots(store, review.id)]
        new_counts, before = [], set[str]()
        for info in infos:
            members = set(snapshot_clusters(store, info.snapshot_id))
            new_counts.append(len(members - before))
            before = members
    table = Table(title=f"Snapshots of {review.id}", title_justify="left")
    for column in ("snapshot", "run", "created (UTC)", "run status", "records", "duplicates"):
        table.add_column(column, justify="right" if column != "run status" else "left")
    table.add_column("unique", justify="right")
    table.add_column("new", justify="right")
    table.add_column("note")
    for info, new in zip(infos, new_counts, strict=True):
        failed = info.failed_sources
        table.add_row(
            str(info.snapshot_id),
            str(info.run_id),
            f"{info.created_at:%Y-%m-%d %H:%M}",
            info.run_status,
            f"{info.records:,}",
            f"{info.duplicates_removed:,}",
            f"{info.clusters:,}",
            f"{new:,}",
            f"without {', '.join(failed)}" if failed else "",
        )
    if not infos:
        click.echo(f"review {review.id!r} has no snapshot yet; run it first")
        return
    _console().print(table)


def _describe(info: SnapshotInfo) -> list[str]:
    lines = [
        f"Snapshot {info.snapshot_id} of review {info.review_id}: run {info.run_id} "
        f"({info.run_status}), published {info.created_at:%Y-%m-%d %H:%M} UTC",
        f"{info.clusters:,} unique records from {info.records:,} retrieved "
        f"({info.duplicates_removed:,} duplicates removed)",
    ]
    identified = info.counts.get("identified") or {}
    if identified:
        lines.append(
            "records per source: " + ", ".join(f"{s} {n:,}" for s, n in identified.items())
        )
    for s in info.searches:
        window = f"since {s.window_from:%Y-%m-%d %H:%M}" if s.window_from else "no lower date limit"
        until = f" until {s.window_until:%Y-%m-%d %H:%M}" if s.window_until else ""
        hits = f", {s.total_hits:,} reported" if s.total_hits is not None else ""
        lines += [
            "",
            f"{s.source} ({s.connector}): {s.status}, {s.records:,} records "
            f"({s.new_records:,} new){hits}; window {window}{until}",
            f"  query sent: {s.query_sent}",
            *(f"  note: {note}" for note in s.notes),
        ]
        if s.error:
            lines.append(f"  error: {s.error}")
    return lines


@snapshots_group.command("show")
@click.argument("snapshot_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Everything, members included, as JSON.")
@db_option
def show_command(snapshot_id: int, as_json: bool, db: Path) -> None:
    """What snapshot SNAPSHOT_ID holds: its run, the queries sent, its member clusters."""
    with open_store(db, read_only=True) as store:
        info = snapshot_info(store, snapshot_id)
        members = snapshot_members(store, snapshot_id)
        previous = previous_snapshot(store, snapshot_id)
        links = snapshot_links(store, snapshot_id)
    if as_json:
        data = asdict(info)
        data.update(
            previous_snapshot=previous,
            duplicates_removed=info.duplicates_removed,
            members=[export_record(m, links.get(m.cluster_id, [])) for m in members],
        )
        _json(data)
        return
    for line in _describe(info):
        click.echo(line)
    click.echo(f"\n{len(members):,} member clusters (cluster, sources, year, title):")
    for m in members:
        flag = "  RETRACTED" if m.retracted else ""
        click.echo(
            f"{m.cluster_id}  {', '.join(m.sources):<18} {m.record.get('year') or '':<4}  "
            f"{m.record.get('title') or '(no title)'}{flag}"
        )
        for link in links.get(m.cluster_id, []):
            click.echo(f"{'':>8}-> {link.describe()}")


def _change_line(mark: str, change: ClusterChange) -> str:
    title = (change.title or "(no title)")[:70]
    sources = ", ".join(change.sources)
    return f"{mark} {change.cluster_id}  {'; '.join(change.reasons)}  [{sources}]  {title}"


@snapshots_group.command("diff")
@click.argument("old_id", type=int)
@click.argument("new_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="The changes as JSON.")
@db_option
def diff_command(old_id: int, new_id: int, as_json: bool, db: Path) -> None:
    """Clusters added, removed and changed from snapshot OLD_ID to NEW_ID, and why."""
    with open_store(db, read_only=True) as store:
        diff = diff_snapshots(store, old_id, new_id)
    if as_json:
        _json(diff.to_dict())
        return
    click.echo(
        f"snapshot {old_id} -> {new_id} ({diff.review_id}): {len(diff.added)} added, "
        f"{len(diff.removed)} removed, {len(diff.changed)} changed"
    )
    for mark, changes in (("+", diff.added), ("-", diff.removed), ("~", diff.changed)):
        for change in changes:
            click.echo(_change_line(mark, change))
