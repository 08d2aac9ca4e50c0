"""Stage 6: clusters are the connected components of the accepted pairs (union-find)."""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    """Disjoint sets over string ids; the root of a set is its smallest id, so the result
    never depends on the order in which pairs arrive."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent == item:
            return item
        root = self.find(parent)
        self.parent[item] = root
        return root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        keep, absorbed = (ra, rb) if ra < rb else (rb, ra)
        self.parent[absorbed] = keep
        return keep


def connected_components(items: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """item -> the smallest item of its component."""
    sets = UnionFind()
    for item in items:
        sets.find(item)
    for a, b in pairs:
        sets.union(a, b)
    return {item: sets.find(item) for item in list(sets.parent)}
