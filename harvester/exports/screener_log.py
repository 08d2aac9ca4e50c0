"""What each named screener has been given (`harvester export --for NAME`), kept in the store.

A cluster handed to a screener once is never handed to them again, whatever snapshot or format
a later export uses. A cluster that deduplication later merged into another counts for the
cluster it joined: the screener has seen that record.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from harvester.errors import InputError
from harvester.reporting.merges import merged_into
from harvester.store import Store


def screener_name(name: str) -> str:
    clean = name.strip()
    if not clean:
        raise InputError("--for needs a screener name")
    return clean


def given_clusters(store: Store, review_id: str, screener: str) -> set[str]:
    given = {
        row[0]
        for row in store.rows(
            "SELECT cluster_id FROM screener_clusters WHERE review_id = ? AND screener = ?",
            [review_id, screener],
        )
    }
    merges = merged_into(store)
    for cluster_id in list(given):
        current, hops = cluster_id, 0
        while current in merges and hops < len(merges):
            current, hops = merges[current][0], hops + 1
            given.add(current)
    return given


@contextmanager
def remember_export(
    store: Store,
    *,
    review_id: str,
    screener: str,
    snapshot_id: int,
    cluster_ids: Sequence[str],
    fmt: str,
    out: Path,
    now: datetime,
) -> Iterator[None]:
    """Record the export in one transaction around the moment its file appears."""
    with store.transaction() as con:
        export_id = int(con.execute("SELECT nextval('export_seq')").fetchone()[0])  # type: ignore[index]
        con.execute(
            "INSERT INTO screener_exports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [export_id, review_id, screener, snapshot_id, fmt, str(out), len(cluster_ids), now],
        )
        if cluster_ids:
            con.register("handed", pa.table({"cluster_id": pa.array(cluster_ids, pa.string())}))
            try:
                con.execute(
                    """INSERT INTO screener_clusters
                       SELECT ?, ?, cluster_id, ? FROM handed ON CONFLICT DO NOTHING""",
                    [review_id, screener, export_id],
                )
            finally:
                con.unregister("handed")
        yield
