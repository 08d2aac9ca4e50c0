"""Input records normalized and keyed, on every core the machine gives us.

Normalizing a record and computing its matching keys is per-record Python work, most of the
time a large standalone deduplication takes; the records do not depend on one another, so a
large input is cut into slices prepared side by side. Workers are forked: they inherit the
entries instead of receiving them, and only the prepared records and their Arrow key table
travel back. Records come back in input order, so the result is the same on one core or many.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence

import pyarrow as pa

from harvester.dedup.keys import keys_table
from harvester.inputs import InputRecord, RawEntry, build_record
from harvester.workers import usable_cores

# Below this many records forking costs more than it saves.
PARALLEL_FROM = 20_000
# A worker's records travel back pickled, which costs it about a sixth more time than the
# preparing did (measured on asysd_srsr): this process, which sends nothing, takes that much
# more of the records, so that all finish together.
SEND_COST = 0.18

# The entries the forked workers slice; set only while a pool is running.
_entries: Sequence[RawEntry] = ()


def _prepare(entries: Sequence[RawEntry]) -> tuple[list[InputRecord], pa.Table]:
    records = [build_record(entry) for entry in entries]
    return records, keys_table((record.key, record.work) for record in records)


def _prepare_slice(bounds: tuple[int, int]) -> tuple[list[InputRecord], pa.Table]:
    start, end = bounds
    return _prepare(_entries[start:end])


def _slices(count: int, workers: int) -> list[tuple[int, int]]:
    """[start, end) of each process's records, this process's (the larger) first."""
    share = 1 / (workers + SEND_COST)  # a worker's share of the records; ours is 1 + SEND_COST
    ends = [round(count * share * (1 + SEND_COST + i)) for i in range(workers)]
    ends[-1] = count
    return list(zip([0, *ends[:-1]], ends, strict=True))


def prepare(
    entries: Sequence[RawEntry], workers: int | None = None
) -> tuple[list[InputRecord], pa.Table]:
    """The entries as records, in input order, and their `dedup_keys` table."""
    global _entries
    workers = min(workers or usable_cores(), 8)
    if (
        workers < 2
        or len(entries) < PARALLEL_FROM
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return _prepare(entries)
    slices = _slices(len(entries), workers)
    _entries = entries
    try:
        with multiprocessing.get_context("fork").Pool(len(slices) - 1) as pool:
            others = pool.map_async(_prepare_slice, slices[1:])
            parts = [_prepare_slice(slices[0]), *others.get()]  # this process takes a slice too
    finally:
        _entries = ()
    records = [record for part_records, _ in parts for record in part_records]
    return records, pa.concat_tables([keys for _, keys in parts])
