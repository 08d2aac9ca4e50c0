"""Merges must not chain: A~B and B~C do not put A and C in one cluster when A and C are two
items (other years, journals, DOIs, meetings or pages).

Accepted pairs are taken strongest first (the order of the rules, then title similarity);
each joins two clusters only if no member of one is in conflict with a member of the other.
The pairs of a would-be cluster that were never candidates are scored here, so a conflict is
seen whichever keys blocked the records. Clusters that already exist (in the store) are kept
whole: a pair only decides whether a new record, or a new bridge, joins them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

import duckdb
import pyarrow as pa

from harvester.dedup.batches import scored_batches
from harvester.dedup.components import UnionFind
from harvester.dedup.matches import Match
from harvester.dedup.rules import RULES, Settings, decide

_RANK = {rule.name: i for i, rule in enumerate(RULES)}


def strength(match: Match) -> tuple[int, float, str, str]:
    """Sort key: the earlier rule, then the closer title, first."""
    return (_RANK.get(match.reason, len(_RANK)), -match.score, match.a, match.b)


def consistent(
    con: duckdb.DuckDBPyConnection,
    merged: Sequence[Match],
    settings: Settings,
    *,
    clusters: Mapping[str, str] | None = None,
) -> list[Match]:
    """The accepted pairs that do not chain two items into one cluster.

    `clusters` gives the existing cluster of records already clustered (the store); every
    other record of `merged` is new. Table `dedup_keys` must hold the keys of all of them.
    """
    clusters = clusters or {}
    tentative = UnionFind()
    for cluster_members in _members_by_cluster(clusters).values():
        for other in cluster_members[1:]:
            tentative.union(cluster_members[0], other)
    for match in merged:
        tentative.union(match.a, match.b)
    groups: dict[str, list[str]] = defaultdict(list)
    for item in list(tentative.parent):
        groups[tentative.find(item)].append(item)
    to_check = [
        (a, b) if a < b else (b, a)
        for group in groups.values()
        if len(group) > 2
        for a, b in combinations(sorted(group), 2)
        # Members of one existing cluster were checked when they joined it.
        if a not in clusters or b not in clusters or clusters[a] != clusters[b]
    ]
    apart = _conflicts(con, to_check, settings)
    if not apart:
        return list(merged)
    return _greedy(merged, apart, clusters)


def _members_by_cluster(clusters: Mapping[str, str]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for work_id, cluster_id in sorted(clusters.items()):
        members[cluster_id].append(work_id)
    return members


def _conflicts(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]], settings: Settings
) -> dict[str, set[str]]:
    """Record -> the records it must not share a cluster with, among `pairs`."""
    if not pairs:
        return {}
    table = pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    apart: dict[str, set[str]] = defaultdict(set)
    for features in scored_batches(con, table):
        decisions = decide(features, settings)
        for i in (decisions.conflict & ~decisions.merged & ~decisions.linked).nonzero()[0]:
            apart[features.a[i]].add(features.b[i])
            apart[features.b[i]].add(features.a[i])
    return apart


def _greedy(
    merged: Iterable[Match], apart: Mapping[str, set[str]], clusters: Mapping[str, str]
) -> list[Match]:
    sets = UnionFind()
    members: dict[str, set[str]] = {}
    for cluster_members in _members_by_cluster(clusters).values():
        for other in cluster_members[1:]:
            sets.union(cluster_members[0], other)
    for item in list(sets.parent):
        members.setdefault(sets.find(item), set()).add(item)
    kept = []
    for match in sorted(merged, key=strength):
        root_a, root_b = sets.find(match.a), sets.find(match.b)
        if root_a != root_b:
            side_a = members.pop(root_a, {match.a})
            side_b = members.pop(root_b, {match.b})
            if any(apart.get(x, set()) & side_b for x in side_a):
                members[root_a], members[root_b] = side_a, side_b
                continue
            members[sets.union(root_a, root_b)] = side_a | side_b
        kept.append(match)
    return kept
