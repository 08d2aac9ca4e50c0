"""What changed between two snapshots of a review, cluster by cluster, and why.

Added clusters are new records (or, rarely, records split off an older cluster); removed ones
were merged into another cluster or are no longer retrieved; changed ones gained or lost
records, were newly retracted, or had their exported record updated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from harvester.errors import InputError
from harvester.reporting.merges import final_cluster, merged_into
from harvester.reporting.snapshots import (
    Member,
    as_member,
    member_index,
    snapshot_info,
    stored_records,
)
from harvester.store import Store

# Fields of the exported record whose change a screener may care about.
COMPARED = ("doi", "title", "authors", "year", "venue", "abstract", "type", "pages")


@dataclass(frozen=True)
class ClusterChange:
    cluster_id: str
    reasons: tuple[str, ...]
    sources: tuple[str, ...]
    title: str | None
    merged_into: str | None = None


@dataclass(frozen=True)
class SnapshotDiff:
    review_id: str
    old: int
    new: int
    added: tuple[ClusterChange, ...]
    removed: tuple[ClusterChange, ...]
    changed: tuple[ClusterChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _change(member: Member, reasons: list[str], into: str | None = None) -> ClusterChange:
    return ClusterChange(
        member.cluster_id, tuple(reasons), member.sources, member.record.get("title"), into
    )


def diff_snapshots(store: Store, old_id: int, new_id: int) -> SnapshotDiff:
    old_info, new_info = snapshot_info(store, old_id), snapshot_info(store, new_id)
    if old_info.review_id != new_info.review_id:
        raise InputError(
            f"snapshots {old_id} and {new_id} belong to different reviews "
            f"({old_info.review_id!r}, {new_info.review_id!r})"
        )
    old, new = member_index(store, old_id), member_index(store, new_id)
    old_home = {w: cid for cid, (works, _, _) in old.items() for w in works}
    new_home = {w: cid for cid, (works, _, _) in new.items() for w in works}
    merges = merged_into(store)
    # Same records, sources and entry md5: the same stored record, nothing to read.
    differ = [cid for cid in sorted(old.keys() & new.keys()) if old[cid] != new[cid]]
    old_records = stored_records(store, old_id, [*(old.keys() - new.keys()), *differ])
    new_records = stored_records(store, new_id, [*(new.keys() - old.keys()), *differ])

    def before(cid: str) -> Member:
        return as_member(cid, (*old[cid][:2], old_records[cid]))

    def after(cid: str) -> Member:
        return as_member(cid, (*new[cid][:2], new_records[cid]))

    added = []
    for cid in sorted(new.keys() - old.keys()):
        earlier = sorted({old_home[w] for w in new[cid][0] if w in old_home})
        reasons = [f"split from {c}" for c in earlier] or ["new record"]
        added.append(_change(after(cid), reasons))

    removed = []
    for cid in sorted(old.keys() - new.keys()):
        into = final_cluster(merges, cid, new.keys())
        reason = merges[cid][1] if cid in merges else ""
        if into is None:  # no recorded merge: where did its records go?
            homes = sorted({new_home[w] for w in old[cid][0] if w in new_home})
            into = homes[0] if homes else None
        if into:
            why = f"merged into {into}" + (f" ({reason})" if reason else "")
        else:
            why = "no longer retrieved"
        removed.append(_change(before(cid), [why], into))

    changed = []
    for cid in differ:
        reasons = _reasons(before(cid), after(cid), old_home)
        if reasons:
            changed.append(_change(after(cid), reasons))
    return SnapshotDiff(
        new_info.review_id, old_id, new_id, tuple(added), tuple(removed), tuple(changed)
    )


def _reasons(before: Member, after: Member, old_home: dict[str, str]) -> list[str]:
    reasons = []
    if after.retracted and not before.retracted:
        reasons.append("newly retracted")
    elif before.retracted and not after.retracted:
        reasons.append("no longer flagged as retracted")
    gained = [w for w in after.work_ids if w not in before.work_ids]
    absorbed = sorted({old_home[w] for w in gained if w in old_home} - {after.cluster_id})
    reasons += [f"merged with {c}" for c in absorbed]
    fresh = [w for w in gained if w not in old_home]
    if fresh:
        reasons.append(f"new record: {', '.join(fresh)}")
    new_sources = [s for s in after.sources if s not in before.sources]
    if new_sources:
        reasons.append(f"new source: {', '.join(new_sources)}")
    lost = [w for w in before.work_ids if w not in after.work_ids]
    if lost:
        reasons.append(f"record left: {', '.join(lost)}")
    fields = [k for k in COMPARED if before.record.get(k) != after.record.get(k)]
    if fields:
        reasons.append(f"record updated: {', '.join(fields)}")
    return reasons
