"""Deduplicating a reviewer's own files: which cluster each input record falls in, which record
of each cluster is kept, why the others were merged, and the merged record of each cluster."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyarrow as pa

from harvester.dedup.engine import deduplicate
from harvester.dedup.prepare import prepare
from harvester.dedup.rules import Settings
from harvester.inputs import InputRecord, RawEntry
from harvester.snapshot import canonical_record, completeness


@dataclass(frozen=True)
class RecordResult:
    """One input record: its cluster, the record kept for that cluster, and why."""

    record: InputRecord
    cluster_id: str
    canonical: InputRecord
    reason: str


@dataclass(frozen=True)
class FileDeduplication:
    rows: list[RecordResult]
    clusters: dict[str, list[InputRecord]]
    candidates: int

    @property
    def duplicates(self) -> int:
        return len(self.rows) - len(self.clusters)


def _kept(group: list[str], by_key: dict[str, InputRecord]) -> InputRecord:
    """The member a merged record starts from (as `canonical_record` ranks them), read off
    the works themselves: no dict is built for the members of a cluster."""
    return by_key[max(group, key=lambda key: completeness(partial(getattr, by_key[key].work), key))]


def _as_dict(record: InputRecord) -> dict[str, Any]:
    data = record.work.to_dict()
    data["work_id"] = record.key
    return data


def deduplicate_entries(
    entries: Sequence[RawEntry], settings: Settings | None = None
) -> FileDeduplication:
    """Normalize and deduplicate what readers found."""
    records, keys = prepare(entries)
    return deduplicate_records(records, settings, keys)


def deduplicate_records(
    records: Sequence[InputRecord], settings: Settings | None = None, keys: pa.Table | None = None
) -> FileDeduplication:
    ids = [r.key for r in records]
    result = deduplicate(
        [(key, r.work) for key, r in zip(ids, records, strict=True)], settings or Settings(), keys
    )
    by_key = dict(zip(ids, records, strict=True))
    members: dict[str, list[str]] = defaultdict(list)
    for key in ids:
        members[result.root[key]].append(key)
    # Clusters are numbered in input order (the root is the cluster's first record).
    clusters = {f"C{i:07d}": group for i, group in enumerate(members.values(), 1)}
    why: dict[str, tuple[str, str]] = {}
    for match in result.matches.merged:
        why.setdefault(match.b, (match.reason, match.a))
        why.setdefault(match.a, (match.reason, match.b))
    links: dict[str, list[str]] = defaultdict(list)
    for match in result.matches.linked:
        links[match.a].append(by_key[match.b].record_id)
        links[match.b].append(by_key[match.a].record_id)
    rows: dict[str, RecordResult] = {}
    for cluster_id, group in clusters.items():
        kept = by_key[group[0]] if len(group) == 1 else _kept(group, by_key)
        for key in group:
            record = by_key[key]
            if len(group) == 1:
                reason = "unique"
            elif record is kept:
                reason = "kept"
            else:
                rule, partner = why.get(key, ("", ""))
                other = by_key.get(partner)
                reason = f"{rule} (with {other.record_id})" if other else rule
            if key in links:
                reason += f"; linked to {', '.join(links[key])} (preprint and published)"
            rows[key] = RecordResult(record, cluster_id, kept, reason)
    return FileDeduplication(
        [rows[key] for key in ids],
        {cid: [by_key[key] for key in group] for cid, group in clusters.items()},
        result.matches.candidates,
    )


def merged_records(outcome: FileDeduplication) -> list[dict[str, Any]]:
    """One record per cluster: the kept record, gaps filled from the others (export format)."""
    out = []
    for cluster_id, group in outcome.clusters.items():
        record = canonical_record([_as_dict(r) for r in group])
        record.update(
            cluster_id=cluster_id,
            work_ids=[r.record_id for r in group],
            sources=sorted({r.file for r in group}),
        )
        out.append(record)
    return out
