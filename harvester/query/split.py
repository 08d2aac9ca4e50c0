"""A strategy split into narrower conjunctive queries, for engines without Boolean search.

Crossref ranks records by how many of the words they hold, and returns any record holding one.
One broad query of every word, capped by `max_records`, fills the cap with whatever ranks first
for the whole bag. Sent as its conjunctions instead ((A OR B) AND C -> "A C", "B C"), each
ranked by relevance and given an equal share of the cap, the cap takes the records most
relevant to each way a record can match the strategy. NOT parts are left to the local filter,
which still applies the strategy as written.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from harvester.query.model import Query
from harvester.query.nodes import And, Const, Node, Not, Or, Term

# At most this many queries: a wider strategy is sent as one broad query, as before.
MAX_SPLIT_QUERIES = 8


@dataclass(frozen=True)
class SubQuery:
    """One conjunction of the strategy, as the words an engine without Boolean search gets."""

    terms: tuple[str, ...]
    share: int  # records it may contribute to the cap

    @property
    def text(self) -> str:
        return " ".join(self.terms)


def _conjunctions(node: Node, limit: int) -> list[tuple[Term, ...]] | None:
    """The strategy's positive part in disjunctive normal form; None beyond `limit`."""
    if isinstance(node, Term):
        return [(node,)]
    if isinstance(node, Not):
        return [()]  # exclusions are the local filter's
    if isinstance(node, Const):
        return [()] if node.value else []
    parts = [_conjunctions(child, limit) for child in node.children]
    if any(part is None for part in parts):
        return None
    found = [p for p in parts if p is not None]
    if isinstance(node, Or):
        merged = [c for part in found for c in part]
    else:
        assert isinstance(node, And)
        if math.prod(len(p) for p in found) > limit:
            return None
        merged = [tuple(t for c in combo for t in c) for combo in itertools.product(*found)]
    return merged if len(merged) <= limit else None


def split_strategy(query: Query, cap: int, limit: int = MAX_SPLIT_QUERIES) -> list[SubQuery] | None:
    """The conjunctive queries of `query`, narrowest first, sharing `cap` records.

    None when there is nothing to split (one conjunction) or too much (more than `limit`).
    Narrowest first: a conjunction of more terms matches the strategy more closely, so its
    top-ranked records are the likeliest to pass the local filter.
    """
    found = _conjunctions(query.ast, limit)
    if not found:
        return None
    unique: dict[tuple[str, ...], None] = {}
    for conjunction in found:
        words = tuple(dict.fromkeys(" ".join(t.words) for t in conjunction))
        if words:
            unique.setdefault(words, None)
    conjunctions = sorted(unique, key=len, reverse=True)
    if len(conjunctions) < 2:
        return None
    share = math.ceil(cap / len(conjunctions))
    return [SubQuery(words, share) for words in conjunctions]
