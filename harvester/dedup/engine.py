"""The deduplication pipeline, stage by stage, over tables in one DuckDB connection.

`dedup_keys` holds the keys of every record (stage 1) and `fresh` the ids of the records to
match; `find_matches` blocks them against all records (3), scores the pairs (4) and applies
the rules (5). Standalone files and the store use the same function: the store keeps its
keys between runs, so only new records are ever keyed, blocked and scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from harvester.dedup.blocking import make_candidate_pairs
from harvester.dedup.components import connected_components
from harvester.dedup.keys import keys_table
from harvester.dedup.rules import DEFAULT_SETTINGS, Settings, decide
from harvester.dedup.scoring import score_pairs
from harvester.work import Work


@dataclass(frozen=True)
class Match:
    """Two records judged copies of one article (or, when `linked`, versions of it)."""

    a: str
    b: str
    reason: str
    score: float


@dataclass(frozen=True)
class Matches:
    merged: list[Match] = field(default_factory=list)
    linked: list[Match] = field(default_factory=list)
    candidates: int = 0


def find_matches(con: duckdb.DuckDBPyConnection, settings: Settings = DEFAULT_SETTINGS) -> Matches:
    """Accepted and linked pairs among `fresh` records and between them and all others."""
    candidates = make_candidate_pairs(con)
    if not candidates:
        con.execute("DROP TABLE candidate_pairs")
        return Matches()
    scores = score_pairs(con)
    con.execute("DROP TABLE candidate_pairs")
    decisions = decide(scores, settings)
    accepted = decisions.merged
    # Pairs come out of the join in no particular order; sorted, every run reports alike.
    merged = sorted(np.flatnonzero(accepted), key=lambda i: (scores.a[i], scores.b[i]))
    linked = sorted(
        np.flatnonzero(decisions.linked & ~accepted), key=lambda i: (scores.a[i], scores.b[i])
    )
    title = scores.title
    return Matches(
        merged=[
            Match(scores.a[i], scores.b[i], str(decisions.reason[i]), round(float(title[i]), 3))
            for i in merged
        ],
        linked=[
            Match(scores.a[i], scores.b[i], "preprint and published version", float(title[i]))
            for i in linked
        ],
        candidates=candidates,
    )


@dataclass(frozen=True)
class Deduplication:
    """Result for a set of records: each id's cluster root, and why pairs were merged."""

    root: dict[str, str]
    matches: Matches


def deduplicate(
    records: Sequence[tuple[str, Work]],
    settings: Settings = DEFAULT_SETTINGS,
    keys: pa.Table | None = None,
) -> Deduplication:
    """Deduplicate records held in memory (an in-memory DuckDB does the blocking); `keys`,
    when given, are the records' keys already computed."""
    keys = keys if keys is not None else keys_table(records)
    con = duckdb.connect(":memory:")
    try:
        # Read where they are (Arrow), not copied into tables first: every record is fresh.
        con.register("dedup_keys", keys)
        con.register("fresh", keys.select(["work_id"]))
        matches = find_matches(con, settings)
    finally:
        con.close()
    root = connected_components(
        (work_id for work_id, _ in records), ((m.a, m.b) for m in matches.merged)
    )
    return Deduplication(root, matches)
