"""Candidate pairs are scored in bounded batches: no batch holds more than `PAIR_BATCH` pairs,
and the clusters, reasons and candidate counts are the same whatever the batch size."""

from __future__ import annotations

import pytest

from harvester.dedup import batches
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
