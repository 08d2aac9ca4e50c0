"""Choosing a snapshot's records, then writing them to a file atomically.

A file appears whole or not at all (harvester/exports/atomic.py). `publish` lets a caller make
a store change part of that step (what a screener was given is recorded in the same moment the
file appears, or not at all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TextIO, cast

from harvester.exports.atomic import Write, write_atomically
from harvester.exports.bibtex import write_bibtex
from harvester.exports.jsonl import write_jsonl
from harvester.exports.ris import write_ris
from harvester.exports.screening_tools import write_asreview, write_rayyan
from harvester.exports.stream import scope_ids, stream_records
from harvester.exports.table import write_csv
from harvester.exports.text import PrintableStream
from harvester.reporting.snapshots import resolve_snapshot
from harvester.store import Store

Writer = Callable[[Iterable[dict[str, Any]], TextIO], int]
FORMATS: dict[str, Writer] = {
    "ris": write_ris,
    "csv": write_csv,
    "bibtex": write_bibtex,
    "asreview": write_asreview,
    "rayyan": write_rayyan,
    "jsonl": write_jsonl,
}


def load_snapshot_records(
    store: Store,
    review_id: str,
    snapshot_id: int | None = None,
    screening_language: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """(snapshot id, records) of a review's snapshot, the latest one by default, all in memory
    (exports stream them instead: harvester.exports.stream)."""
    snapshot_id = resolve_snapshot(store, review_id, snapshot_id)
    ids = scope_ids(store, snapshot_id)
    return snapshot_id, list(stream_records(store, snapshot_id, ids, screening_language))


def export_records(
    records: Iterable[dict[str, Any]],
    fmt: str,
    out: Path,
    publish: AbstractContextManager[object] | None = None,
) -> int:
    """Write `records` as `fmt` to `out`; the file appears whole or not at all."""
    count: int = write_atomically(out, export_writer(records, fmt), publish)
    return count


def export_writer(records: Iterable[dict[str, Any]], fmt: str) -> Write:
    """What writes `records` as `fmt` to a stream (for writing several files together)."""
    writer = FORMATS[fmt]
    return lambda stream: writer(records, cast(TextIO, PrintableStream(stream)))
