"""The deduplication pipeline, stage by stage, over tables in one DuckDB connection.

`dedup_keys` holds the keys of every record (stage 1) and `fresh` the ids of the records to
match; `find_matches` blocks them against all records (3), scores the pairs (4) and applies
the rules (5). Standalone files and the store use the same function: the store keeps its
keys between runs, so only new records are ever keyed, blocked and scored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from harvester.dedup.batches import scored_batches
from harvester.dedup.blocking import candidate_pairs, make_candidate_pairs
from harvester.dedup.chains import consistent
from harvester.dedup.components import connected_components
from harvester.dedup.evidence import possible_pairs
from harvester.dedup.features import PairFeatures
from harvester.dedup.keys import keys_table
from harvester.dedup.matches import Match, Matches
from harvester.dedup.rules import DEFAULT_SETTINGS, Settings, decide
from harvester.dedup.scoring import score_pairs
from harvester.work import Work


def candidate_features(con: duckdb.DuckDBPyConnection) -> PairFeatures | None:
    """The candidate pairs among `fresh` records and between them and all others (stage 3),
    compared field by field (stage 4); None when there is none."""
    candidates = make_candidate_pairs(con)
    features = score_pairs(con) if candidates else None
    con.execute("DROP TABLE candidate_pairs")
    return features


@contextmanager
def in_memory(keys: pa.Table) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB whose `dedup_keys` are `keys` (read where they are, as Arrow, not
    copied into tables first) and whose records are all `fresh`."""
    con = duckdb.connect(":memory:")
    try:
        con.register("dedup_keys", keys)
        con.register("fresh", keys.select(["work_id"]))
        yield con
    finally:
        con.close()


def find_matches(con: duckdb.DuckDBPyConnection, settings: Settings = DEFAULT_SETTINGS) -> Matches:
    """Accepted and linked pairs among `fresh` records and between them and all others,
    scored and judged a batch of pairs at a time (harvester.dedup.batches), those without
    the evidence any rule needs left out first (harvester.dedup.evidence)."""
    found = candidate_pairs(con)
    merged: list[Match] = []
    linked: list[Match] = []
    for features in scored_batches(con, possible_pairs(con, found)):
        decisions = decide(features, settings)
        accepted = decisions.merged
        a, b, title = features.a, features.b, features.title
        merged += [
            Match(a[i], b[i], str(decisions.reason[i]), round(float(title[i]), 3))
            for i in np.flatnonzero(accepted)
        ]
        linked += [
            Match(a[i], b[i], "preprint and published version", float(title[i]))
            for i in np.flatnonzero(decisions.linked & ~accepted)
        ]
    # Pairs come out of the join in no particular order; sorted, every run reports alike.
    merged.sort(key=lambda m: (m.a, m.b))
    linked.sort(key=lambda m: (m.a, m.b))
    return Matches(merged=merged, linked=linked, candidates=found.num_rows)


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
    with in_memory(keys) as con:
        matches = find_matches(con, settings)
        # A~B and B~C must not join A and C when they are two items.
        merged = consistent(con, matches.merged, settings)
        matches = Matches(merged, matches.linked, matches.candidates)
    root = connected_components(
        (work_id for work_id, _ in records), ((m.a, m.b) for m in matches.merged)
    )
    return Deduplication(root, matches)
