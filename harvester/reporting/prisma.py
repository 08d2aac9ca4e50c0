"""PRISMA 2020 identification counts, computed from snapshots (never typed in).

For each update of a living review (one snapshot per run) and cumulatively up to a snapshot:
records identified per source, duplicates removed before screening, records marked ineligible
by an automation tool (the local filter: retrieved, but not matching the strategy as written),
records to screen. Identified minus both removals is records to screen, in every block.

An update counts the records that were not in the previous snapshot: each one either opens a
new cluster (to screen) or joins a cluster that exists already (a duplicate, possibly of a
record screened in an earlier update). Clusters absorbed by a merge are counted apart: their
records were screened already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from harvester.capping import capped_note
from harvester.filesources.imports import database_of_records
from harvester.reporting.snapshots import (
    review_snapshots,
    snapshot_clusters,
    snapshot_info,
    source_of,
)
from harvester.store import Store

Label = Callable[[str], str]  # record id -> where it was identified (its database or source)


@dataclass(frozen=True)
class FlowCounts:
    identified: dict[str, int]
    duplicates_removed: int
    to_screen: int
    ineligible: int = 0  # marked ineligible by the local filter (an automation tool)

    @property
    def identified_total(self) -> int:
        return sum(self.identified.values())

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "identified_total": self.identified_total}


@dataclass(frozen=True)
class UpdateCounts:
    snapshot_id: int
    run_id: int
    date: datetime
    flow: FlowCounts
    # What each source returned in the run, already-known records included (search log).
    retrieved: dict[str, int]
    merged_away: int
    no_longer_retrieved: int
    failed_sources: list[str] = field(default_factory=list)
    # "crossref: capped: 100 of 2,345 records retrieved (max_records); ..." per capped source.
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat(timespec="seconds")
        data["flow"] = self.flow.to_dict()
        if not self.notes:  # only a capped source adds notes; other updates read as before
            del data["notes"]
        return data


@dataclass(frozen=True)
class PrismaReport:
    review_id: str
    snapshot_id: int
    updates: list[UpdateCounts]
    cumulative: FlowCounts

    @property
    def latest(self) -> UpdateCounts:
        return self.updates[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "review": self.review_id,
            "snapshot": self.snapshot_id,
            "updates": [u.to_dict() for u in self.updates],
            "cumulative": self.cumulative.to_dict(),
        }


Clusters = dict[str, tuple[str, ...]]  # cluster id -> record ids


def _filtered(store: Store, snapshot_id: int | None) -> Counter[str]:
    """Records the local filter had left out of the review's set, per source, at a snapshot."""
    if snapshot_id is None:
        return Counter()
    counts = snapshot_info(store, snapshot_id).counts.get("filtered_out") or {}
    return Counter({str(k): int(v) for k, v in counts.items()})


def _cumulative(clusters: Clusters, filtered: Counter[str], label: Label) -> FlowCounts:
    matched = Counter(label(w) for works in clusters.values() for w in works)
    identified = matched + filtered
    removed = sum(matched.values()) - len(clusters)
    ineligible = sum(filtered.values())
    return FlowCounts(dict(sorted(identified.items())), removed, len(clusters), ineligible)


def _update(
    store: Store,
    snapshot_id: int,
    clusters: Clusters,
    before: Clusters,
    filtered: Counter[str],
    label: Label,
) -> UpdateCounts:
    info = snapshot_info(store, snapshot_id)
    known = {w for works in before.values() for w in works}
    new_works = [w for works in clusters.values() for w in works if w not in known]
    # A cluster split off older records only would hold nothing new to screen.
    new_clusters = [
        cid
        for cid, works in clusters.items()
        if cid not in before and any(w not in known for w in works)
    ]
    current_works = {w for works in clusters.values() for w in works}
    gone = [works for cid, works in before.items() if cid not in clusters]
    merged = sum(1 for works in gone if any(w in current_works for w in works))
    identified = Counter(label(w) for w in new_works) + filtered
    return UpdateCounts(
        snapshot_id=snapshot_id,
        run_id=info.run_id,
        date=info.created_at,
        flow=FlowCounts(
            dict(sorted(identified.items())),
            len(new_works) - len(new_clusters),
            len(new_clusters),
            sum(filtered.values()),
        ),
        retrieved={s.source: s.records - s.skipped for s in info.searches},
        merged_away=merged,
        no_longer_retrieved=len(gone) - merged,
        failed_sources=info.failed_sources,
        notes=[
            note
            for s in info.searches
            if (note := capped_note(s.source, s.status, s.records, s.total_hits))
        ],
    )


def prisma_report(store: Store, review_id: str, snapshot_id: int) -> PrismaReport:
    """Counts of every update of `review_id` up to `snapshot_id`, and the cumulative ones.

    Records of a file source are identified under the database their file came from (Scopus,
    Web of Science, ...); the others under their source."""
    databases = database_of_records(store, review_id)

    def label(work_id: str) -> str:
        return databases.get(work_id) or source_of(work_id)

    updates = []
    before: Clusters = {}
    previous: int | None = None
    for sid in review_snapshots(store, review_id, up_to=snapshot_id):
        clusters = snapshot_clusters(store, sid)
        # Newly filtered out in this update: the growth of the per-source count since the last.
        filtered = _filtered(store, sid)
        filtered.subtract(_filtered(store, previous))
        updates.append(_update(store, sid, clusters, before, +filtered, label))
        before, previous = clusters, sid
    return PrismaReport(
        review_id, snapshot_id, updates, _cumulative(before, _filtered(store, previous), label)
    )
