"""Choosing a snapshot, then writing its records to a file atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from harvester.errors import HarvestError
from harvester.exports.bibtex import write_bibtex
from harvester.exports.ris import write_ris
from harvester.exports.table import write_csv
from harvester.store import Store

Writer = Callable[[Iterable[dict[str, Any]], TextIO], int]
FORMATS: dict[str, Writer] = {"ris": write_ris, "csv": write_csv, "bibtex": write_bibtex}


def load_snapshot_records(
    store: Store, review_id: str, snapshot_id: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(snapshot id, records) of a review's snapshot, the latest one by default."""
    if snapshot_id is None:
        snapshot_id = store.value(
            "SELECT max(snapshot_id) FROM snapshots WHERE review_id = ?", [review_id]
        )
        if snapshot_id is None:
            raise HarvestError(f"review {review_id!r} has no snapshot yet; run it first")
    else:
        owner = store.value("SELECT review_id FROM snapshots WHERE snapshot_id = ?", [snapshot_id])
        if owner is None:
            raise HarvestError(f"no snapshot {snapshot_id}")
        if owner != review_id:
            raise HarvestError(
                f"snapshot {snapshot_id} belongs to review {owner!r}, not {review_id!r}"
            )
    records = []
    for cluster_id, work_ids, sources, record in store.rows(
        """SELECT cluster_id, work_ids, sources, record FROM snapshot_members
           WHERE snapshot_id = ? ORDER BY cluster_id""",
        [snapshot_id],
    ):
        data = json.loads(record)
        data.update(cluster_id=cluster_id, work_ids=list(work_ids), sources=list(sources))
        records.append(data)
    return int(snapshot_id), records


def export_records(records: list[dict[str, Any]], fmt: str, out: Path) -> int:
    """Write `records` as `fmt` to `out`; the file appears whole or not at all."""
    writer = FORMATS[fmt]
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise HarvestError(f"cannot write {out}: directory {directory} does not exist")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", dir=directory)
    except OSError as exc:
        raise HarvestError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            count = writer(records, stream)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count
