"""Clusters absorbed by others, as the deduplication records them (`cluster_merges`).

When two existing clusters turn out to be one, deduplication keeps one id and records the
absorbed one in `cluster_merges(merged_id, into_id, run_id, reason, merged_at)`. Stores made
before that table existed have none; callers then fall back to comparing member records.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from harvester.store import Store


def merged_into(store: Store) -> dict[str, tuple[str, str]]:
    """Absorbed cluster id -> (the cluster it was merged into, the stored reason)."""
    present = store.value(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'cluster_merges'"
    )
    if not present:
        return {}
    rows = store.rows(
        "SELECT merged_id, into_id, reason FROM cluster_merges ORDER BY merged_at, merged_id"
    )
    return {merged: (into, reason or "") for merged, into, reason in rows}


def final_cluster(
    merges: Mapping[str, tuple[str, str]], cluster_id: str, present: Collection[str]
) -> str | None:
    """Follow merges from `cluster_id` to the first cluster in `present` (None if none)."""
    seen = {cluster_id}
    current = cluster_id
    while current in merges:
        current = merges[current][0]
        if current in present:
            return current
        if current in seen:  # a cycle would be a dedup bug; do not loop on it
            return None
        seen.add(current)
    return None
