"""Choosing a snapshot's records, then writing them to a file atomically.

A file appears whole or not at all: it is written to a temporary file beside the target and
renamed over it. `publish` lets a caller make a store change part of that step (what a
screener was given is recorded in the same moment the file appears, or not at all).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TextIO, TypeVar

from harvester.errors import InputError
from harvester.exports.bibtex import write_bibtex
from harvester.exports.jsonl import write_jsonl
from harvester.exports.ris import write_ris
from harvester.exports.screening_tools import write_asreview, write_rayyan
from harvester.exports.table import write_csv
from harvester.languages import for_screening
from harvester.reporting.links import snapshot_links
from harvester.reporting.snapshots import (
    Member,
    export_record,
    resolve_snapshot,
    snapshot_members,
)
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
T = TypeVar("T")


def load_snapshot_records(
    store: Store,
    review_id: str,
    snapshot_id: int | None = None,
    screening_language: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """(snapshot id, records) of a review's snapshot, the latest one by default."""
    snapshot_id = resolve_snapshot(store, review_id, snapshot_id)
    members = snapshot_members(store, snapshot_id)
    return snapshot_id, snapshot_records(store, snapshot_id, members, screening_language)


def snapshot_records(
    store: Store, snapshot_id: int, members: list[Member], screening_language: str | None
) -> list[dict[str, Any]]:
    """The records exports write for `members` of a snapshot: each with its links, and its
    titles and abstracts in the order screeners see them (`screening_language` first)."""
    links = snapshot_links(store, snapshot_id)
    return [
        for_screening(export_record(m, links.get(m.cluster_id, [])), screening_language)
        for m in members
    ]


def check_output(out: Path) -> Path:
    """The directory `out` will be written in; a clear error when it cannot be."""
    directory = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise InputError(f"cannot write {out}: it is a directory")
    if not directory.exists():
        raise InputError(f"cannot write {out}: directory {directory} does not exist")
    if not directory.is_dir():
        raise InputError(f"cannot write {out}: {directory} is not a directory")
    return directory


def write_atomically(
    out: Path,
    write: Callable[[TextIO], T],
    publish: AbstractContextManager[object] | None = None,
) -> T:
    """Run `write` on a temporary file, then rename it to `out` (inside `publish`, if given)."""
    directory = check_output(out)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            result = write(stream)
        with publish or nullcontext():
            os.replace(temp, out)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


def export_records(
    records: list[dict[str, Any]],
    fmt: str,
    out: Path,
    publish: AbstractContextManager[object] | None = None,
) -> int:
    """Write `records` as `fmt` to `out`; the file appears whole or not at all."""
    writer = FORMATS[fmt]
    return write_atomically(out, lambda stream: writer(records, stream), publish)
