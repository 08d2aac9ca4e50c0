"""What the status page and the JSON API show, read from the store as typed rows.

Read-only queries over the run bookkeeping and the snapshots; each takes a `Store` (a reader
cursor in the service), so a page is consistent with the last committed state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from harvester.secrets import mask_optional
from harvester.store import Store

SOURCE_OK = ("ok", "capped")


@dataclass(frozen=True)
class LastRun:
    run_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    new_records: int | None  # clusters its snapshot added; None without a snapshot
    snapshot_id: int | None


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_status: str | None
    last_success: datetime | None
    failures_in_a_row: int
    last_error: str | None
    group: str | None = None  # the [[source_groups]] the source is a member of


@dataclass(frozen=True)
class RunRow:
    run_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    records: int
    new_raw: int
    snapshot_id: int | None
    new_records: int | None
    sources: tuple[tuple[str, str], ...]  # (source, status)
    errors: tuple[str, ...]


@dataclass(frozen=True)
class SnapshotRow:
    snapshot_id: int
    run_id: int
    created_at: datetime
    records: int
    clusters: int
    new_records: int
    previous: int | None

    @property
    def duplicates(self) -> int:
        return self.records - self.clusters


def snapshot_rows(store: Store, review_id: str) -> list[SnapshotRow]:
    """Every snapshot of a review, newest first, with the clusters new since the one before."""
    rows = store.rows(
        """WITH s AS (
             SELECT snapshot_id, run_id, created_at, records, clusters,
                    lag(snapshot_id) OVER (ORDER BY snapshot_id) AS previous
             FROM snapshots WHERE review_id = ?)
           SELECT s.snapshot_id, s.run_id, s.created_at, s.records, s.clusters,
                  (SELECT count(*) FROM snapshot_members m WHERE m.snapshot_id = s.snapshot_id
                     AND NOT EXISTS (
                       SELECT 1 FROM snapshot_members p
                       WHERE p.snapshot_id = s.previous AND p.cluster_id = m.cluster_id)),
                  s.previous
           FROM s ORDER BY s.snapshot_id DESC""",
        [review_id],
    )
    return [SnapshotRow(*row) for row in rows]


def runs(store: Store, review_id: str, limit: int = 50) -> list[RunRow]:
    news = {s.run_id: s for s in snapshot_rows(store, review_id)}
    rows = store.rows(
        """SELECT r.run_id, r.status, r.started_at, r.finished_at,
                  coalesce(sum(s.records), 0), coalesce(sum(s.new_records), 0),
                  list([s.source, s.status] ORDER BY s.started_at, s.source)
                    FILTER (WHERE s.source IS NOT NULL),
                  list(s.source || ': ' || s.error ORDER BY s.source)
                    FILTER (WHERE s.error IS NOT NULL)
           FROM runs r LEFT JOIN run_sources s USING (run_id)
           WHERE r.review_id = ? GROUP BY ALL ORDER BY r.run_id DESC LIMIT ?""",
        [review_id, limit],
    )
    out = []
    for run_id, status, started, finished, records, new_raw, sources, errors in rows:
        snapshot = news.get(run_id)
        out.append(
            RunRow(
                run_id,
                status,
                started,
                finished,
                int(records),
                int(new_raw),
                snapshot.snapshot_id if snapshot else None,
                snapshot.new_records if snapshot else None,
                tuple((str(pair[0]), str(pair[1])) for pair in sources or ()),
                tuple(mask_optional(e) or "" for e in errors or ()),
            )
        )
    return out


def last_run(store: Store, review_id: str) -> LastRun | None:
    latest = runs(store, review_id, limit=1)
    if not latest:
        return None
    run = latest[0]
    return LastRun(
        run.run_id, run.status, run.started_at, run.finished_at, run.new_records, run.snapshot_id
    )


def source_health(
    store: Store,
    review_id: str,
    sources: Sequence[str],
    groups: Mapping[str, str | None] | None = None,
) -> list[SourceHealth]:
    """Per source: its latest status, latest success, failures since then, latest error;
    members of a source group (`groups`: source -> group) together, after the others."""
    out = []
    for source in sources:
        history = store.rows(
            """SELECT s.status, s.finished_at, s.error FROM run_sources s JOIN runs r USING (run_id)
               WHERE r.review_id = ? AND s.source = ? AND s.status <> 'running'
               ORDER BY s.run_id DESC LIMIT 200""",
            [review_id, source],
        )
        streak = next((i for i, row in enumerate(history) if row[0] in SOURCE_OK), len(history))
        success = store.value(
            """SELECT max(s.finished_at) FROM run_sources s JOIN runs r USING (run_id)
               WHERE r.review_id = ? AND s.source = ? AND s.status IN ?""",
            [review_id, source, list(SOURCE_OK)],
        )
        error = next((row[2] for row in history if row[2]), None)
        out.append(
            SourceHealth(
                source,
                history[0][0] if history else None,
                success,
                streak,
                mask_optional(error),
                (groups or {}).get(source),
            )
        )
    return sorted(out, key=lambda h: h.group is not None)  # stable: each group stays in order


@dataclass(frozen=True)
class LinkRow:
    """A link between two clusters of a snapshot, with both titles, for the page."""

    cluster_id: str
    title: str
    kind: str  # "preprint", "published version", "retracts", "retraction notice"
    linked_cluster: str
    linked_title: str


def link_rows(store: Store, snapshot_id: int) -> list[LinkRow]:
    """The links a snapshot stored (harvester.reporting.links), each with both titles."""
    return [
        LinkRow(*row)
        for row in store.rows(
            """SELECT l.cluster_id, coalesce(json_extract_string(a.record, '$.title'), ''),
                      l.kind, l.linked_cluster,
                      coalesce(json_extract_string(b.record, '$.title'), '')
               FROM snapshot_links l
               JOIN snapshot_members a
                 ON a.snapshot_id = l.snapshot_id AND a.cluster_id = l.cluster_id
               JOIN snapshot_members b
                 ON b.snapshot_id = l.snapshot_id AND b.cluster_id = l.linked_cluster
               WHERE l.snapshot_id = ?
               ORDER BY l.cluster_id, l.kind, l.linked_cluster""",
            [snapshot_id],
        )
    ]
