"""`harvester dedup`: deduplicate the files a reviewer brings (RIS, BibTeX, CSV, EndNote XML,
MEDLINE), without a store."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from harvester.collector import long_lived_objects
from harvester.dedup.rules import Settings
from harvester.dedup.standalone import FileDeduplication, deduplicate_entries, merged_records
from harvester.errors import InputError
from harvester.exports import FORMATS
from harvester.exports.atomic import Write, write_all_atomically
from harvester.exports.files import export_writer
from harvester.exports.table import neutralize
from harvester.inputs import read_entries

# Inputs smaller than this finish before a progress bar would be worth drawing.
LONG_INPUT_BYTES = 2_000_000


@click.command("dedup")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV with one row per input record: record_id, cluster_id, canonical, reason.",
)
@click.option(
    "--deduplicated",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write one merged record per cluster to this file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="ris",
    show_default=True,
    help="Format of --deduplicated.",
)
@click.option(
    "--merge-preprints",
    is_flag=True,
    help="Merge a preprint with its journal version (default: keep both, linked).",
)
def dedup_command(
    inputs: tuple[Path, ...], out: Path, deduplicated: Path | None, fmt: str, merge_preprints: bool
) -> None:
    """Find duplicate records across INPUT files (RIS, BibTeX, CSV, EndNote XML, MEDLINE)."""
    console = Console(stderr=True)
    outputs = [target for target in (out, deduplicated) if target is not None]
    _refuse_overwriting_inputs(inputs, outputs)
    size = sum(p.stat().st_size for p in inputs if p.is_file())
    with long_lived_objects(), _progress(console, enabled=size >= LONG_INPUT_BYTES) as progress:
        reading = progress.add_task("reading", total=len(inputs))
        entries = []
        for path in inputs:
            found = read_entries(path)
            entries.extend(found)
            progress.console.print(f"read {len(found):,} records from {path}", highlight=False)
            progress.advance(reading)
        matching = progress.add_task(f"matching {len(entries):,} records", total=1)
        outcome = deduplicate_entries(entries, Settings(merge_preprints=merge_preprints))
        progress.advance(matching)
    several = len(set(inputs)) > 1
    files: list[tuple[Path, Write]] = [
        (out, lambda stream: _write_table(outcome, stream, several_files=several))
    ]
    if deduplicated is not None:
        files.append((deduplicated, export_writer(merged_records(outcome), fmt)))
    write_all_atomically(files)  # every output, or none
    console.print(
        f"{len(outcome.rows):,} records, {len(outcome.clusters):,} clusters, "
        f"{outcome.duplicates:,} duplicates -> {out}"
        + (f", {deduplicated}" if deduplicated else ""),
        highlight=False,
    )


def _refuse_overwriting_inputs(inputs: Sequence[Path], outputs: Sequence[Path]) -> None:
    """An output that is one of the inputs (or the other output) would destroy it."""
    seen: dict[Path, Path] = {}
    for path in inputs:
        seen.setdefault(path.resolve(), path)
    for option, target in zip(("--out", "--deduplicated"), outputs, strict=False):
        same = seen.get(target.resolve())
        if same is not None:
            what = "one of the input files" if same in inputs else "the other output"
            raise InputError(f"{option} {target} is {what}; writing it would replace it")
        seen[target.resolve()] = target


def _write_table(outcome: FileDeduplication, stream: TextIO, *, several_files: bool) -> None:
    columns = ["record_id", "cluster_id", "canonical", "reason"]
    if several_files:
        columns[1:1] = ["file"]
        columns.insert(4, "canonical_file")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in outcome.rows:
        values = {
            "record_id": row.record.record_id,
            "file": row.record.file,
            "cluster_id": row.cluster_id,
            "canonical": row.canonical.record_id,
            "canonical_file": row.canonical.file,
            "reason": row.reason,
        }
        writer.writerow([neutralize(values[c]) for c in columns])


@contextmanager
def _progress(console: Console, *, enabled: bool) -> Iterator[Progress]:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    )
    with progress:
        yield progress
