"""Candidate pairs are scored in bounded batches: no batch holds more than `PAIR_BATCH` pairs,
and the clusters, reasons and candidate counts are the same whatever the batch size."""

from __future__ import annotations

import duckdb
import pytest

from harvester.dedup import batches, blocking
from harvester.dedup.blocking import make_candidate_pairs
from harvester.dedup.engine import in_memory
from harvester.dedup.keys import keys_table
from harvester.dedup.standalone import deduplicate_entries
from harvester.inputs import read_entries
from harvester.work import Work
from tests.conftest import FIXTURES


def _wang_2019(count: int) -> list[tuple[str, Work]]:
    """One large author-year block: `count` different articles by "Wang", all of 2019."""
    return [
        (
            f"s:{n}",
            Work(
                source="s",
                source_id=str(n),
                title=f"Study number {n} of a topic {n * 7919 % 1000}",
                authors=(f"Wang, {chr(65 + n % 26)}.",),
                year=2019,
            ),
        )
        for n in range(count)
    ]


def test_no_batch_holds_more_than_the_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "PAIR_BATCH", 100)
    with in_memory(keys_table(_wang_2019(40))) as con:
        pairs = make_candidate_pairs(con)
        sizes = [len(features) for features in batches.scored_batches(con, "candidate_pairs")]
    assert pairs >= 40 * 39 // 2  # the author-year block pairs every record with every other
    assert sum(sizes) == pairs and max(sizes) <= 100 and len(sizes) == -(-pairs // 100)


def test_small_batches_give_the_same_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = list(read_entries(FIXTURES / "dedup" / "cases.csv"))

    def outcome() -> tuple[int, list[tuple[str, str, str]]]:
        result = deduplicate_entries(entries)
        rows = [(str(r.record.record_id), r.cluster_id, r.reason) for r in result.rows]
        return result.candidates, rows

    whole = outcome()
    monkeypatch.setattr(batches, "PAIR_BATCH", 3)
    assert outcome() == whole


@pytest.mark.parametrize("fresh_every", [1, 3])
def test_pairs_made_a_group_of_new_records_at_a_time_are_the_same(
    monkeypatch: pytest.MonkeyPatch, fresh_every: int
) -> None:
    records = [(work_id, work) for work_id, work in _wang_2019(30)]
    records += [(f"t:{n}", work) for n, (_, work) in enumerate(_wang_2019(10))]  # copies
    keys = keys_table(records)
    fresh = keys.select(["work_id"]).take(list(range(0, keys.num_rows, fresh_every)))

    def pairs() -> set[tuple[str, str]]:
        with duckdb.connect(":memory:") as con:
            con.register("dedup_keys", keys)
            con.register("fresh", fresh)
            found = blocking.candidate_pairs(con)
        rows = list(zip(found.column("a").to_pylist(), found.column("b").to_pylist(), strict=True))
        assert len(rows) == len(set(rows))  # every pair once
        return set(rows)

    whole = pairs()
    monkeypatch.setattr(blocking, "FRESH_GROUP", 4)
    assert pairs() == whole and len(whole) > 300
