"""A snapshot's records read from DuckDB a chunk at a time, for exports of any size.

An export names its clusters first (ids only, in cluster order, the scope applied in SQL), then
reads their stored records `EXPORT_CHUNK` at a time as the writer asks for them: memory holds one
chunk, whatever the size of the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from typing import Any

from harvester.languages import for_screening
from harvester.reporting.links import snapshot_links
from harvester.reporting.snapshots import as_member, export_record
from harvester.store import Store

EXPORT_CHUNK = 2_000  # clusters read from the store at a time


def scope_ids(
    store: Store,
    snapshot_id: int,
    since: int | None = None,
    leave_out: Set[str] = frozenset(),
) -> list[str]:
    """The clusters of a snapshot an export writes, in order: those not in snapshot `since`
    (when given) and not in `leave_out`."""
    rows = store.rows(
        """SELECT cluster_id FROM snapshot_members
           WHERE snapshot_id = $snapshot
             AND ($since IS NULL OR cluster_id NOT IN (
                  SELECT cluster_id FROM snapshot_members WHERE snapshot_id = $since))
           ORDER BY cluster_id""",
        {"snapshot": snapshot_id, "since": since},
    )
    return [row[0] for row in rows if row[0] not in leave_out]


def stream_records(
    store: Store, snapshot_id: int, cluster_ids: Sequence[str], screening_language: str | None
) -> Iterator[dict[str, Any]]:
    """The records an export writes for `cluster_ids` (in that order, as `scope_ids` gives
    them): each with its links, its titles and abstracts in the order screeners see them."""
    links = snapshot_links(store, snapshot_id)
    for start in range(0, len(cluster_ids), EXPORT_CHUNK):
        chunk = cluster_ids[start : start + EXPORT_CHUNK]
        wanted = set(chunk)
        rows = store.rows(
            """SELECT cluster_id, work_ids, sources, record FROM snapshot_members
               WHERE snapshot_id = ? AND cluster_id BETWEEN ? AND ? ORDER BY cluster_id""",
            [snapshot_id, chunk[0], chunk[-1]],
        )
        for cluster_id, work_ids, sources, record in rows:
            if cluster_id in wanted:
                member = as_member(cluster_id, (tuple(work_ids), tuple(sources), record))
                record = export_record(member, links.get(cluster_id, []))
                yield for_screening(record, screening_language)
