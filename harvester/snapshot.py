"""Snapshots: the immutable, deduplicated result set of a review at one run.

A snapshot stores, per cluster, the record it exports (the most complete member, gaps filled
from the others) and every source that found it, so exports of an old snapshot never change
when the store moves on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from harvester.languages import merge_texts, record_texts
from harvester.reporting.links import cluster_links, store_links
from harvester.retractions import cluster_retraction, retraction_notices
from harvester.review import Review
from harvester.store import Store

# Fields a canonical record may borrow from another member of its cluster.
FILLABLE = (
    "doi",
    "abstract",
    "venue",
    "year",
    "volume",
    "issue",
    "pages",
    "language",
    "url",
    "type",
    "published",
)
SCORED = (*FILLABLE, "title", "authors", "keywords", "issn")


@dataclass(frozen=True)
class SnapshotSummary:
    snapshot_id: int
    clusters: int
    records: int
    new_clusters: int

    @property
    def duplicates(self) -> int:
        return self.records - self.clusters


def completeness(field: Callable[[str], Any], work_id: str) -> tuple[int, int, str]:
    """How a cluster ranks its members (highest kept): fields filled, abstract length, id."""
    filled = sum(1 for key in SCORED if field(key))
    return (filled, len(field("abstract") or ""), work_id)


def _completeness(row: dict[str, Any]) -> tuple[int, int, str]:
    return completeness(row.get, row["work_id"])


def canonical_record(members: list[dict[str, Any]]) -> dict[str, Any]:
    """The most complete member, with empty fields filled from the other members, and every
    title and abstract any member gave (its own first)."""
    ranked = sorted(members, key=_completeness, reverse=True)
    best = dict(ranked[0])
    for other in ranked[1:]:
        for key in FILLABLE:
            if not best.get(key) and other.get(key):
                best[key] = other[key]
    for kind in ("title", "abstract"):
        texts = merge_texts(*(record_texts(m, kind) for m in ranked))
        # One text is already the record's title or abstract: listed only when there are more.
        best[f"{kind}s"] = [t.to_dict() for t in texts] if len(texts) > 1 else []
    return best


def _review_members(store: Store, review_id: str) -> dict[str, list[dict[str, Any]]]:
    rows = store.dicts(
        """SELECT m.cluster_id, w.* EXCLUDE (title_key, first_author, first_page, pmid, arxiv,
                                             mapped_at)
           FROM review_records r
           JOIN works w USING (work_id)
           JOIN cluster_members m USING (work_id)
           WHERE r.review_id = ? AND r.matched AND NOT w.deleted
           ORDER BY m.cluster_id, w.work_id""",
        [review_id],
    )
    clusters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        row["ids"] = json.loads(row["ids"]) if row.get("ids") else {}
        clusters[row.pop("cluster_id")].append(row)
    return clusters


def create_snapshot(
    store: Store,
    review: Review,
    *,
    run_id: int,
    now: datetime,
    failed_sources: list[str] | None = None,
) -> SnapshotSummary:
    clusters = _review_members(store, review.id)
    previous = store.value(
        "SELECT max(snapshot_id) FROM snapshots WHERE review_id = ?", [review.id]
    )
    before = (
        {
            row[0]
            for row in store.rows(
                "SELECT cluster_id FROM snapshot_members WHERE snapshot_id = ?", [previous]
            )
        }
        if previous
        else set()
    )
    per_source: dict[str, int] = defaultdict(int)
    members_rows = []
    notices = retraction_notices(store)
    homes = {m["work_id"]: cid for cid, members in clusters.items() for m in members}
    links = cluster_links(store, homes)
    for cluster_id, members in clusters.items():
        for member in members:
            per_source[member["source"]] += 1
        record = canonical_record(members)
        record["retracted"], record["retraction_notices"] = cluster_retraction(members, notices)
        sources = sorted({m["source"] for m in members})
        members_rows.append(
            (
                cluster_id,
                record["work_id"],
                [m["work_id"] for m in members],
                sources,
                json.dumps(record, ensure_ascii=False, default=str),
            )
        )
    records = sum(per_source.values())
    rejected = store.rows(
        """SELECT source, count(*) FROM review_records
           WHERE review_id = ? AND NOT matched GROUP BY source ORDER BY source""",
        [review.id],
    )
    counts = {
        "identified": dict(sorted(per_source.items())),
        "records": records,
        "duplicates_removed": records - len(clusters),
        "clusters": len(clusters),
        # Retrieved and stored, but not matching the strategy as written (local filter).
        "filtered_out": {source: int(n) for source, n in rejected},
        # A snapshot after a partial run says which sources it lacks.
        "failed_sources": sorted(failed_sources or []),
    }
    with store.transaction() as con:
        snapshot_id = int(con.execute("SELECT nextval('snapshot_seq')").fetchone()[0])  # type: ignore[index]
        con.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
            [snapshot_id, review.id, run_id, now, len(clusters), records, json.dumps(counts)],
        )
        if members_rows:
            columns = list(zip(*members_rows, strict=True))
            table = pa.table(
                {
                    "cluster_id": pa.array(columns[0], pa.string()),
                    "canonical_work_id": pa.array(columns[1], pa.string()),
                    "work_ids": pa.array(columns[2], pa.list_(pa.string())),
                    "sources": pa.array(columns[3], pa.list_(pa.string())),
                    "record": pa.array(columns[4], pa.string()),
                }
            )
            con.register("snapshot_rows", table)
            con.execute(
                "INSERT INTO snapshot_members SELECT ?, * FROM snapshot_rows", [snapshot_id]
            )
            con.unregister("snapshot_rows")
        store_links(con, snapshot_id, links)
    return SnapshotSummary(snapshot_id, len(clusters), records, len(clusters.keys() - before))
