"""Incremental deduplication in the store: N records deduplicated first, then M new ones added;
timed, and checked against deduplicating all N + M at once (same partition into clusters)."""

from __future__ import annotations

import dataclasses
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harvester.dedup import update_clusters
from harvester.dedup.engine import deduplicate
from harvester.inputs import read_file
from harvester.store import open_store
from harvester.store.records import upsert_works
from harvester.work import Work


@dataclass(frozen=True)
class Incremental:
    existing: int
    added: int
    first_seconds: float
    write_seconds: float
    dedup_seconds: float
    same_clusters: bool


def _partition(assignment: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for item, group in assignment.items():
        groups.setdefault(group, set()).add(item)
    return {frozenset(g) for g in groups.values()}


def measure(records_file: Path, existing: int = 50_000, added: int = 1_000) -> Incremental:
    works: list[Work] = [
        dataclasses.replace(r.work, source="bench", source_id=r.record_id)
        for r in read_file(records_file)[: existing + added]
    ]
    now = datetime(2025, 1, 1)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.duckdb") as store:
        with store.transaction() as con:
            upsert_works(con, works[:existing], now)
        start = time.perf_counter()
        update_clusters(store, run_id=1, now=now)
        first = time.perf_counter() - start
        start = time.perf_counter()
        with store.transaction() as con:
            upsert_works(con, works[existing:], now)
        written = time.perf_counter() - start
        start = time.perf_counter()
        update_clusters(store, run_id=2, now=now)
        dedup = time.perf_counter() - start
        stored = dict(store.rows("SELECT work_id, cluster_id FROM cluster_members"))
    at_once = deduplicate([(w.key, w) for w in works]).root
    return Incremental(
        existing,
        len(works) - existing,
        first,
        written,
        dedup,
        _partition(stored) == _partition(at_once),
    )
