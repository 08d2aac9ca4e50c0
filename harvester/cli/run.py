"""`harvester run`: harvest a review now, with progress per source and a summary table."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from harvester.capping import capped_note, capped_text
from harvester.cli.options import db_option
from harvester.filesources.config import FILES_CONNECTOR
from harvester.review import load_review
from harvester.runner import RunResult, SourceResult, run_review
from harvester.store import open_store


class ProgressDisplay:
    """One line per source on stderr: records so far, of how many the source reports."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[source]:<14}"),
            TextColumn("{task.fields[state]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def source_started(self, source: str, request: str) -> None:
        self.tasks[source] = self.progress.add_task(source, source=source, state="requesting...")

    def page_done(self, source: str, records: int, total: int | None) -> None:
        of = f" of {total:,}" if total is not None else ""
        self.progress.update(self.tasks[source], state=f"{records:,}{of} records")

    def source_done(self, result: SourceResult) -> None:
        capped = capped_text(result.status, result.records, result.total_hits)
        state = f"{result.records:,} records, {capped or result.status}"
        self.progress.update(self.tasks[result.source], state=state, total=1, completed=1)


def summary_table(result: RunResult) -> Table:
    capped = [s.source for s in result.sources if capped_text(s.status, s.records, s.total_hits)]
    status = f"{result.status}, capped: {', '.join(capped)}" if capped else result.status
    table = Table(
        title=f"Run {result.run_id} of {result.review_id}: {status}", title_justify="left"
    )
    for column in (
        "source",
        "status",
        "requests",
        "records",
        "new",
        "updated",
        "already stored",
        "skipped",
        "map errors",
        "filtered out",
    ):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    table.add_column("note", overflow="fold")
    shown: set[str] = set()
    first: dict[str, int] = {}  # a group's members listed together, where its first member is
    for index, source in enumerate(result.sources):
        first.setdefault(source.group or source.source, index)
    for s in sorted(result.sources, key=lambda s: first[s.group or s.source]):
        if s.group and s.group not in shown:  # a group's total, then its members under it
            shown.add(s.group)
            members = [m for m in result.sources if m.group == s.group]
            table.add_row(*_group_row(s.group, members))
        name = f"  {s.source.removeprefix(f'{s.group}.')}" if s.group else s.source
        table.add_row(
            name,
            capped_text(s.status, s.records, s.total_hits) or s.status,
            str(s.requests),
            f"{s.records:,}",
            f"{s.new:,}",
            f"{s.changed:,}",
            f"{s.unchanged:,}",
            f"{s.skipped:,}",
            f"{s.mapping_errors:,}",
            f"{s.filtered_out:,}",
            _note(s),
        )
    return table


def _group_row(group: str, members: list[SourceResult]) -> list[str]:
    """A source group's line: its members' counts added up, and how many did not succeed."""
    failed = [m for m in members if m.status not in ("ok", "capped")]
    counts = [
        sum(getattr(m, key) for m in members)
        for key in (
            "requests",
            "records",
            "new",
            "changed",
            "unchanged",
            "skipped",
            "mapping_errors",
            "filtered_out",
        )
    ]
    note = f"{len(members)} sources" + (f", {len(failed)} not harvested" if failed else "")
    status = "ok" if not failed else ("partial" if len(failed) < len(members) else "failed")
    return [f"group {group}", status, *(f"{c:,}" for c in counts), note]


def _note(source: SourceResult) -> str:
    if source.connector == FILES_CONNECTOR:  # one line per file follows the table
        files = sum(1 for n in source.notes if not n.startswith("no "))
        note = f"{files} file{'s' * (files != 1)} imported"
        problems = len(source.problems)
        return note + (f", {problems} problem{'s' * (problems != 1)} (below)" if problems else "")
    return source.error or (f"since {source.since:%Y-%m-%d}" if source.since else "full harvest")


def file_lines(result: RunResult) -> list[str]:
    """What each file source imported, a line per file, and each file it could not."""
    lines = [f"{s.source}: {note}" for s in result.sources for note in s.notes]
    return lines + [f"error: {problem}" for s in result.sources for problem in s.problems]


def closing_lines(result: RunResult) -> list[str]:
    lines = []
    stored_before = sum(s.unchanged + s.changed for s in result.sources)
    distinct = stored_before + sum(s.new for s in result.sources)
    if stored_before:
        lines.append(
            f"{stored_before:,} of {distinct:,} records were already in the store and "
            "were updated in place: no record is stored twice."
        )
    errors = sum(s.mapping_errors for s in result.sources)
    if errors:
        lines.append(
            f"{errors:,} records could not be mapped (map errors): their connector failed on "
            "them. They are kept raw in the store with the error; please report it."
        )
    lines += [
        note
        for s in result.sources
        if (note := capped_note(s.source, s.status, s.records, s.total_hits))
    ]
    rejected = sum(s.filtered_out for s in result.sources)
    if rejected:
        lines.append(
            f"{rejected:,} records did not match the strategy as written (local filter): "
            "they stay in the store but are not in the review's set."
        )
    snap = result.snapshot
    if snap is None:
        lines.append("No snapshot: no source could be harvested.")
    else:
        lines.append(
            f"Snapshot {snap.snapshot_id}: {snap.clusters:,} unique records from "
            f"{snap.records:,} {'matching' if rejected else 'retrieved'} "
            f"({snap.duplicates:,} duplicates removed), "
            f"{snap.new_clusters:,} new since the previous snapshot."
        )
    return lines


@click.command("run")
@click.argument("review_file", type=click.Path(path_type=Path))
@db_option
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Harvest only this source (repeatable).",
)
@click.option("--full", is_flag=True, help="Ignore watermarks: ask every source for everything.")
def run_command(review_file: Path, db: Path, sources: tuple[str, ...], full: bool) -> None:
    """Harvest REVIEW_FILE's sources into the store and publish a snapshot."""
    review = load_review(review_file)
    for name in sources:
        review.source(name)  # unknown names fail before the store is touched
    err = Console(stderr=True)
    with open_store(db) as store, ProgressDisplay(err) as display:
        result = run_review(review, store, sources=sources or None, full=full, observer=display)
    out = Console(width=max(120, Console().width))
    out.print(summary_table(result))
    for line in file_lines(result):
        out.print(line, highlight=False, markup=False, soft_wrap=True)
    for line in closing_lines(result):
        out.print(line)
    if result.status != "ok":
        sys.exit(1)
