"""Every rule, veto and field shape on a labelled fixture of made-up records
(tests/fixtures/dedup/cases.csv): a fresh clone checks them all without the shared sets.

Each row names its case (a rule, a veto, the cluster check or a field shape), and its gold
group: records of one group are one article. A rule's records must be merged with the rule
as the stored reason; a veto's must stay apart, and would be merged without that veto; a
shape's must cluster as labelled.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from harvester.dedup.engine import candidate_features, in_memory
from harvester.dedup.prepare import prepare
from harvester.dedup.rules import RULES, VETOES, decide
from harvester.dedup.standalone import FileDeduplication, deduplicate_entries
from harvester.inputs import RawEntry, read_entries

CASES = Path(__file__).parent / "fixtures" / "dedup" / "cases.csv"
CHAIN = "no chained merges (cluster check)"


@cache
def _rows() -> dict[str, dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as stream:
        return {row["ID"]: row for row in csv.DictReader(stream)}


@cache
def _entries() -> tuple[RawEntry, ...]:
    return tuple(read_entries(CASES))


def _case(name: str) -> list[RawEntry]:
    return [e for e in _entries() if _rows()[str(e.record_id)]["case"] == name]


def _cases(kind: str) -> list[str]:
    return sorted({row["case"] for row in _rows().values() if row["kind"] == kind})


def _clusters_match_groups(outcome: FileDeduplication) -> None:
    predicted = {row.record.record_id: row.cluster_id for row in outcome.rows}
    gold = {record_id: _rows()[record_id]["group"] for record_id in predicted}
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_cluster: dict[str, set[str]] = defaultdict(set)
    for record_id, cluster in predicted.items():
        by_gold[gold[record_id]].add(cluster)
        by_cluster[cluster].add(gold[record_id])
    assert all(len(c) == 1 for c in by_gold.values()), "a labelled duplicate was left apart"
    assert all(len(g) == 1 for g in by_cluster.values()), "two labelled articles were merged"


def test_every_rule_veto_and_the_cluster_check_has_a_case() -> None:
    named = {row["case"] for row in _rows().values()}
    missing = [e.name for e in (*RULES, *VETOES) if e.name not in named]
    assert not missing
    assert CHAIN in named
    assert len(_cases("shape")) >= 25


def test_the_whole_fixture_at_once_clusters_as_labelled() -> None:
    # All cases together: no case's records may be drawn into another's.
    _clusters_match_groups(deduplicate_entries(list(_entries())))


@pytest.mark.parametrize("name", [rule.name for rule in RULES])
def test_each_rule_decides_its_example(name: str) -> None:
    outcome = deduplicate_entries(_case(name))
    _clusters_match_groups(outcome)
    reasons = [row.reason for row in outcome.rows if row.reason != "kept"]
    assert reasons and all(reason.startswith(f"{name} (with") for reason in reasons), reasons


def _merged_without(entries: Sequence[RawEntry], veto: str) -> tuple[bool, bool]:
    """(merged with every veto, merged with `veto` left out) for a case of two records."""
    _, keys = prepare(entries)
    with in_memory(keys) as con:
        features = candidate_features(con)
    assert features is not None and len(features) == 1
    others = [v for v in VETOES if v.name != veto]
    return bool(decide(features).merged[0]), bool(decide(features, vetoes=others).merged[0])


@pytest.mark.parametrize("name", [veto.name for veto in VETOES])
def test_each_veto_keeps_its_example_apart(name: str) -> None:
    entries = _case(name)
    _clusters_match_groups(deduplicate_entries(entries))
    merged, without_veto = _merged_without(entries, name)
    assert not merged and without_veto, "the veto must be what keeps the pair apart"


def test_merges_do_not_chain_two_articles() -> None:
    # A~B (same title, no DOI on B) and B~C (a year apart), but A and C carry two DOIs.
    outcome = deduplicate_entries(_case(CHAIN))
    _clusters_match_groups(outcome)
    assert len(outcome.clusters) == 2


@pytest.mark.parametrize("name", _cases("shape"))
def test_each_field_shape_is_read(name: str) -> None:
    _clusters_match_groups(deduplicate_entries(_case(name)))


def test_rules_and_vetoes_have_names_reasons_and_named_thresholds() -> None:
    names = [e.name for e in (*RULES, *VETOES)]
    assert len(names) == len(set(names))
    for entry in (*RULES, *VETOES):
        assert entry.why and "\n" not in entry.why
        assert all(0 < value <= 1 for value in entry.thresholds.values())
    veto_names = {v.name for v in VETOES}
    for rule in RULES:
        assert set(rule.vetoes) <= veto_names, rule.name


def test_a_veto_left_out_changes_only_its_own_pairs() -> None:
    _, keys = prepare(_case("different DOIs"))
    with in_memory(keys) as con:
        features = candidate_features(con)
    assert features is not None
    everything = decide(features)
    assert np.array_equal(everything.merged, decide(features, vetoes=VETOES).merged)
    assert not decide(features, rules=()).merged.any()
