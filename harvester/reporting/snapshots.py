"""Reading snapshots back: which one a user means, what its run asked each source, its members.

Everything here reads rows that never change once written (a snapshot, its members, the
bookkeeping of a finished run), so a report of an old snapshot is the same every time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import pyarrow as pa

from harvester.errors import InputError
from harvester.reporting.links import Link
from harvester.store import Store


@dataclass(frozen=True)
class SourceSearch:
    """What one source was asked in a run and what came back (a `run_sources` row)."""

    source: str
    connector: str
    query_sent: str
    notes: tuple[str, ...]
    exact: bool | None
    window_from: datetime | None
    window_until: datetime | None
    started_at: datetime | None
    requests: int
    records: int
    new_records: int
    changed: int
    skipped: int
    total_hits: int | None
    status: str
    error: str | None
    mapping_errors: int = 0  # of `skipped`: records the connector's mapping raised on


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: int
    review_id: str
    run_id: int
    created_at: datetime
    clusters: int
    records: int
    counts: dict[str, Any]
    run_status: str
    searches: tuple[SourceSearch, ...]

    @property
    def duplicates_removed(self) -> int:
        return self.records - self.clusters

    @property
    def failed_sources(self) -> list[str]:
        return list(self.counts.get("failed_sources") or [])


@dataclass(frozen=True)
class Member:
    """One cluster of a snapshot: the record it exports and where it came from."""

    cluster_id: str
    work_ids: tuple[str, ...]
    sources: tuple[str, ...]
    record: dict[str, Any]

    @property
    def retracted(self) -> bool:
        return bool(self.record.get("retracted"))


def source_of(work_id: str) -> str:
    """The source a record came from: work ids are "<source>:<source id>" (Work.key)."""
    return work_id.split(":", 1)[0]


def snapshot_info(store: Store, snapshot_id: int) -> SnapshotInfo:
    row = store.dicts(
        """SELECT s.*, coalesce(r.status, 'unknown') AS run_status
           FROM snapshots s LEFT JOIN runs r USING (run_id) WHERE s.snapshot_id = ?""",
        [snapshot_id],
    )
    if not row:
        raise InputError(f"no snapshot {snapshot_id}")
    data = row[0]
    # Named columns: other migrations may add to run_sources without breaking this.
    columns = [f.name for f in fields(SourceSearch)]
    searches = tuple(
        SourceSearch(**{**search, "notes": tuple(search["notes"] or ())})
        for search in store.dicts(
            f"SELECT {', '.join(columns)} FROM run_sources WHERE run_id = ?"
            " ORDER BY started_at, source",
            [data["run_id"]],
        )
    )
    return SnapshotInfo(
        snapshot_id=int(data["snapshot_id"]),
        review_id=data["review_id"],
        run_id=int(data["run_id"]),
        created_at=data["created_at"],
        clusters=int(data["clusters"]),
        records=int(data["records"]),
        counts=json.loads(data["counts"]),
        run_status=data["run_status"],
        searches=searches,
    )


def resolve_snapshot(store: Store, review_id: str, snapshot_id: int | None = None) -> int:
    """The snapshot a user means for a review: the one named (checked), else the latest."""
    if snapshot_id is None:
        latest = store.value(
            "SELECT max(snapshot_id) FROM snapshots WHERE review_id = ?", [review_id]
        )
        if latest is None:
            raise InputError(f"review {review_id!r} has no snapshot yet; run it first")
        return int(latest)
    owner = store.value("SELECT review_id FROM snapshots WHERE snapshot_id = ?", [snapshot_id])
    if owner is None:
        raise InputError(f"no snapshot {snapshot_id}")
    if owner != review_id:
        raise InputError(f"snapshot {snapshot_id} belongs to review {owner!r}, not {review_id!r}")
    return snapshot_id


def review_snapshots(store: Store, review_id: str, up_to: int | None = None) -> list[int]:
    """The review's snapshot ids, oldest first (only those up to `up_to` when given)."""
    rows = store.rows(
        """SELECT snapshot_id FROM snapshots
           WHERE review_id = ? AND (? IS NULL OR snapshot_id <= ?) ORDER BY snapshot_id""",
        [review_id, up_to, up_to],
    )
    return [int(r[0]) for r in rows]


def previous_snapshot(store: Store, snapshot_id: int) -> int | None:
    """The snapshot of the same review published just before this one, if any."""
    value = store.value(
        """SELECT max(p.snapshot_id) FROM snapshots p JOIN snapshots s USING (review_id)
           WHERE s.snapshot_id = ? AND p.snapshot_id < s.snapshot_id""",
        [snapshot_id],
    )
    return int(value) if value is not None else None


StoredMember = tuple[tuple[str, ...], tuple[str, ...], str]  # work ids, sources, record JSON


def stored_members(store: Store, snapshot_id: int) -> dict[str, StoredMember]:
    """Cluster id -> its members as stored, the record still JSON text (cheap to compare)."""
    return {
        cluster_id: (tuple(work_ids), tuple(sources), record)
        for cluster_id, work_ids, sources, record in store.rows(
            """SELECT cluster_id, work_ids, sources, record FROM snapshot_members
               WHERE snapshot_id = ? ORDER BY cluster_id""",
            [snapshot_id],
        )
    }


# Work ids, sources, and an md5 of the whole entry (harvester.snapshot_entries.CONTENT): equal
# md5s, equal entries, so two snapshots compare without reading their records.
IndexedMember = tuple[tuple[str, ...], tuple[str, ...], str]


def member_index(store: Store, snapshot_id: int) -> dict[str, IndexedMember]:
    """Cluster id -> its record ids, sources and entry md5, records left in the store."""
    return {
        cluster_id: (tuple(work_ids), tuple(sources), content)
        for cluster_id, work_ids, sources, content in store.rows(
            """SELECT cluster_id, work_ids, sources, content FROM snapshot_members
               WHERE snapshot_id = ? ORDER BY cluster_id""",
            [snapshot_id],
        )
    }


def stored_records(store: Store, snapshot_id: int, cluster_ids: Iterable[str]) -> dict[str, str]:
    """Cluster id -> its stored record (JSON text), for `cluster_ids` of a snapshot only."""
    wanted = pa.table({"cluster_id": pa.array(sorted(set(cluster_ids)), pa.string())})
    if not len(wanted):
        return {}
    with store.failures():
        store.con.register("wanted_clusters", wanted)
        try:
            rows = store.con.execute(
                """SELECT cluster_id, record FROM snapshot_members WHERE snapshot_id = ?
                   AND cluster_id IN (SELECT cluster_id FROM wanted_clusters)""",
                [snapshot_id],
            ).fetchall()
        finally:
            store.con.unregister("wanted_clusters")
    return dict(rows)


def as_member(cluster_id: str, stored: StoredMember) -> Member:
    work_ids, sources, record = stored
    return Member(cluster_id, work_ids, sources, json.loads(record))


def snapshot_members(store: Store, snapshot_id: int) -> list[Member]:
    return [as_member(cid, stored) for cid, stored in stored_members(store, snapshot_id).items()]


def snapshot_clusters(store: Store, snapshot_id: int) -> dict[str, tuple[str, ...]]:
    """Cluster id -> its record ids, without parsing the stored records (for counting)."""
    return {
        cluster_id: tuple(work_ids)
        for cluster_id, work_ids in store.rows(
            """SELECT cluster_id, work_ids FROM snapshot_members WHERE snapshot_id = ?
               ORDER BY cluster_id""",
            [snapshot_id],
        )
    }


def export_record(member: Member, links: Sequence[Link] = ()) -> dict[str, Any]:
    """The record an export writes: the canonical record plus its cluster, its sources and the
    clusters it is linked to (a preprint's published version, a retraction notice)."""
    return {
        **member.record,
        "cluster_id": member.cluster_id,
        "work_ids": list(member.work_ids),
        "sources": list(member.sources),
        "links": [{"kind": link.kind, "cluster_id": link.cluster_id} for link in links],
    }
