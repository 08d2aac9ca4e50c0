"""The engine on the labelled sets in ../shared/data/dedup (skipped in a fresh clone)."""

from __future__ import annotations

import pytest

from benchmarks.dedup_sets import data_dir, gold_groups, score, sets
from harvester.dedup.standalone import deduplicate_records
from harvester.inputs import read_file

FOLDER = data_dir()
pytestmark = pytest.mark.skipif(FOLDER is None, reason="no ../shared/data/dedup here")


@pytest.mark.parametrize("name", ["bibdedupe_special_cases", "rathbone_haematology"])
def test_no_study_is_lost_on_small_labelled_sets(name: str) -> None:
    assert FOLDER is not None
    (found,) = [s for s in sets(FOLDER) if s[0] == name]
    records = read_file(found[1])
    outcome = deduplicate_records(records)
    predicted = {row.record.record_id: row.cluster_id for row in outcome.rows}
    result = score(predicted, gold_groups(found[2]))
    assert result.fp == 0
    assert result.tp > 0


def test_scoring_rule_counts_as_the_readme_says() -> None:
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    # a+b found, c+d missed, e wrongly merged into a's cluster.
    result = score({"a": "X", "b": "X", "c": "Y", "d": "Z", "e": "X"}, gold)
    assert (result.tp, result.fp, result.fn) == (1, 1, 1)
