"""Snapshots: the immutable, deduplicated result set of a review at one run.

A snapshot holds, per cluster, the record it exports (the most complete member, gaps filled
from the others) and every source that found it, so exports of an old snapshot never change
when the store moves on. Each version of a cluster's entry is stored once and shared by the
snapshots that held it (harvester.snapshot_entries); only clusters whose members changed since
the previous snapshot have their record made again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import pyarrow as pa

from harvester.languages import merge_texts, record_texts
from harvester.reporting.links import cluster_links, store_links
from harvester.retractions import cluster_retraction, retraction_notices
from harvester.review import Review
from harvester.snapshot_entries import (
    ADD_MADE,
    DROP_TODO,
    MADE_TABLE,
    SNAPSHOT_MEMORY,
    chunk_clusters,
    drop_scratch,
    find_changes,
    memory_limit,
    remake_chunks,
    store_entries,
)
from harvester.store import Store
from harvester.store.database import registered
from harvester.work import as_text
from harvester.workers import in_order, pool_size

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


Notices = dict[str, list[str]]  # retracted DOI -> the notices retracting it


def completeness(field: Callable[[str], Any], work_id: str) -> tuple[int, int, str]:
    """How a cluster ranks its members (highest kept): fields filled, abstract length, id."""
    filled = sum(1 for key in SCORED if field(key))
    return (filled, len(field("abstract") or ""), work_id)


def _completeness(row: dict[str, Any]) -> tuple[int, int, str]:
    return completeness(row.get, row["work_id"])


def canonical_record(members: list[dict[str, Any]]) -> dict[str, Any]:
    """The most complete member, with empty fields filled from the other members, and every
    title and abstract any member gave (its own first)."""
    ranked = sorted(members, key=_completeness, reverse=True) if len(members) > 1 else members
    best = dict(ranked[0])
    for other in ranked[1:]:
        for key in FILLABLE:
            if not best.get(key) and other.get(key):
                best[key] = other[key]
    for kind in ("title", "abstract"):
        best[f"{kind}s"] = _listed_texts(ranked, kind)
    return best


def _listed_texts(ranked: list[dict[str, Any]], kind: str) -> list[dict[str, str | None]]:
    """Every title or abstract the members give, when there is more than one."""
    if len(_given_texts(ranked, kind)) < 2:
        return []  # most clusters: one text (or one text given by each member), nothing to key
    texts = merge_texts(*(record_texts(m, kind) for m in ranked))
    # One text is already the record's title or abstract: listed only when there are more.
    return [t.to_dict() for t in texts] if len(texts) > 1 else []


def _given_texts(members: list[dict[str, Any]], kind: str) -> set[str]:
    """The distinct strings `record_texts` would read off the members (before keying)."""
    given: set[str] = set()
    for member in members:
        given.update(as_text(t).text for t in member.get(f"{kind}s") or ())
        if member.get(kind):
            given.add(member[kind])
        if kind == "title":
            given.update(member.get("other_titles") or ())
    return given


def _made_rows(chunks: Iterator[pa.Table], count: int, notices: Notices) -> Iterator[pa.Table]:
    """The entries of the clusters to make again, a table per chunk of `count` chunks: in
    worker processes when there are several."""
    return in_order(partial(made_table, notices=notices), chunks, pool_size(count > 1))


def made_table(members: pa.Table, notices: Notices) -> pa.Table:
    """The entries of a chunk's clusters (`members`: snapshot_entries.remake_chunks)."""
    columns: list[list[Any]] = [[] for _ in range(6)]
    for cluster_id, fingerprint, cluster in chunk_clusters(members):
        for member in cluster:
            member["ids"] = json.loads(member["ids"]) if member.get("ids") else {}
        record = canonical_record(cluster)
        record["retracted"], record["retraction_notices"] = cluster_retraction(cluster, notices)
        row = (
            cluster_id,
            fingerprint,
            record["work_id"],
            [m["work_id"] for m in cluster],
            sorted({m["source"] for m in cluster}),
            json.dumps(record, ensure_ascii=False, default=str),
        )
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return _made_table(columns)


def _made_table(columns: list[list[Any]]) -> pa.Table:
    names_types = (
        ("cluster_id", pa.string()),
        ("fingerprint", pa.uint64()),
        ("canonical_work_id", pa.string()),
        ("work_ids", pa.list_(pa.string())),
        ("sources", pa.list_(pa.string())),
        ("record", pa.string()),
    )
    return pa.table(
        {
            name: pa.array(column, kind)
            for (name, kind), column in zip(names_types, columns, strict=True)
        }
    )


def _link_homes(store: Store) -> dict[str, str]:
    """Work id -> cluster id of the members a link may start or end at (not every member)."""
    return dict(
        store.rows(
            """SELECT work_id, cluster_id FROM snapshot_now WHERE work_id IN (
                 SELECT work_a FROM match_pairs WHERE linked
                 UNION ALL SELECT work_b FROM match_pairs WHERE linked
                 UNION ALL SELECT work_id FROM works WHERE len(coalesce(retracts, [])) > 0
                 UNION ALL SELECT t.work_id FROM works t JOIN (
                     SELECT unnest(retracts) AS doi FROM works
                     WHERE len(coalesce(retracts, [])) > 0) n USING (doi))"""
        )
    )


def create_snapshot(
    store: Store,
    review: Review,
    *,
    run_id: int,
    now: datetime,
    failed_sources: list[str] | None = None,
) -> SnapshotSummary:
    previous = store.value(
        "SELECT max(snapshot_id) FROM snapshots WHERE review_id = ?", [review.id]
    )
    with store.failures(), memory_limit(store.con, SNAPSHOT_MEMORY):
        try:
            return _create(store, review, run_id, now, failed_sources, previous)
        finally:
            drop_scratch(store.con)


def _create(
    store: Store,
    review: Review,
    run_id: int,
    now: datetime,
    failed_sources: list[str] | None,
    previous: int | None,
) -> SnapshotSummary:
    with store.failures():
        chunks = find_changes(store.con, review.id)
        store.con.execute(MADE_TABLE)
        notices = retraction_notices(store)
        for table in _made_rows(remake_chunks(store.con, chunks), chunks, notices):
            with registered(store.con, "made_rows", table):
                store.con.execute(ADD_MADE)
        store.con.execute(DROP_TODO)  # read: its memory is the new entries' to write
    per_source = {
        str(source): int(n)
        for source, n in store.rows(
            "SELECT source, count(*) FROM snapshot_now GROUP BY source ORDER BY source"
        )
    }
    clusters, new_clusters = store.rows(
        """SELECT count(DISTINCT cluster_id),
                  count(DISTINCT cluster_id) FILTER (WHERE cluster_id NOT IN (
                      SELECT cluster_id FROM snapshot_members WHERE snapshot_id = ?))
           FROM snapshot_now""",
        [previous],
    )[0]
    links = cluster_links(store, _link_homes(store))
    records = sum(per_source.values())
    rejected = store.rows(
        """SELECT source, count(*) FROM review_records
           WHERE review_id = ? AND NOT matched GROUP BY source ORDER BY source""",
        [review.id],
    )
    counts = {
        "identified": per_source,
        "records": records,
        "duplicates_removed": records - clusters,
        "clusters": clusters,
        # Retrieved and stored, but not matching the strategy as written (local filter).
        "filtered_out": {source: int(n) for source, n in rejected},
        # A snapshot after a partial run says which sources it lacks.
        "failed_sources": sorted(failed_sources or []),
    }
    with store.transaction() as con:
        snapshot_id = int(con.execute("SELECT nextval('snapshot_seq')").fetchone()[0])  # type: ignore[index]
        con.execute(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
            [snapshot_id, review.id, run_id, now, clusters, records, json.dumps(counts)],
        )
        store_entries(con, review.id, snapshot_id, previous)
        store_links(con, snapshot_id, links)
    return SnapshotSummary(snapshot_id, clusters, records, new_clusters)
