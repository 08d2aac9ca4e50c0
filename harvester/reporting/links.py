"""Links between the clusters of a snapshot that a screener needs to see.

Deduplication keeps a preprint and its journal version apart but links them (`match_pairs`
with `linked`), and keeps a retraction notice apart from the article it retracts (the notice
names the article's DOI in `works.retracts`). A snapshot stores those links between its own
clusters when it is made (`snapshot_links`), in both directions, so exports, `snapshots show`
and the status page read them back with `snapshot_links` and never recompute them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from harvester.store import Store

# (kind seen from the first cluster, kind seen from the second), per relation.
PREPRINT_LINK = ("published version", "preprint")  # first: the preprint
RETRACTION_LINK = ("retraction notice", "retracts")  # first: the retracted article
LinkRow = tuple[str, str, str]  # cluster, kind, linked cluster


@dataclass(frozen=True)
class Link:
    kind: str
    cluster_id: str

    def describe(self) -> str:
        return f"{self.kind}: {self.cluster_id}"


def _both_ways(first: str, second: str, kinds: tuple[str, str]) -> list[LinkRow]:
    return [(first, kinds[0], second), (second, kinds[1], first)]


def cluster_links(store: Store, homes: Mapping[str, str]) -> list[LinkRow]:
    """Links among the clusters in `homes` (work id -> cluster id)."""
    rows: list[LinkRow] = []
    for work_a, work_b, kind_a, kind_b in store.rows(
        """SELECT p.work_a, p.work_b, ka.category, kb.category FROM match_pairs p
           LEFT JOIN dedup_keys ka ON ka.work_id = p.work_a
           LEFT JOIN dedup_keys kb ON kb.work_id = p.work_b
           WHERE p.linked"""
    ):
        a, b = homes.get(work_a), homes.get(work_b)
        if a is None or b is None or a == b or (kind_a == "preprint") == (kind_b == "preprint"):
            continue
        preprint, published = (a, b) if kind_a == "preprint" else (b, a)
        rows += _both_ways(preprint, published, PREPRINT_LINK)
    for notice, article in store.rows(
        """SELECT n.work_id, t.work_id
           FROM (SELECT work_id, unnest(retracts) AS doi FROM works
                 WHERE NOT deleted AND len(coalesce(retracts, [])) > 0) n
           JOIN works t ON t.doi = n.doi AND t.work_id <> n.work_id AND NOT t.deleted"""
    ):
        a, n = homes.get(article), homes.get(notice)
        if a is not None and n is not None and a != n:
            rows += _both_ways(a, n, RETRACTION_LINK)
    return sorted(set(rows))


def store_links(con: duckdb.DuckDBPyConnection, snapshot_id: int, rows: Iterable[LinkRow]) -> None:
    """Write a snapshot's links; call inside the transaction that writes the snapshot."""
    listed = list(rows)
    if not listed:
        return
    clusters, kinds, linked = (list(column) for column in zip(*listed, strict=True))
    table = pa.table(
        {
            "cluster_id": pa.array(clusters, pa.string()),
            "kind": pa.array(kinds, pa.string()),
            "linked_cluster": pa.array(linked, pa.string()),
        }
    )
    con.register("new_links", table)
    try:
        con.execute("INSERT INTO snapshot_links SELECT ?, * FROM new_links", [snapshot_id])
    finally:
        con.unregister("new_links")


def snapshot_links(store: Store, snapshot_id: int) -> dict[str, list[Link]]:
    """Cluster id -> its links in snapshot `snapshot_id` (for exports and the status page)."""
    links: dict[str, list[Link]] = defaultdict(list)
    for cluster_id, kind, linked in store.rows(
        """SELECT cluster_id, kind, linked_cluster FROM snapshot_links
           WHERE snapshot_id = ? ORDER BY cluster_id, kind, linked_cluster""",
        [snapshot_id],
    ):
        links[cluster_id].append(Link(kind, linked))
    return dict(links)
