"""Stage 4 in bounded batches: candidate pairs are scored `PAIR_BATCH` at a time.

A pair's row holds both records' titles, authors, venues and abstracts (about 3.5 KB), and one
600-record "Wang 2019" block alone makes 180,000 pairs: scored at once, the pairs of a large
store need gigabytes. The pair ids stay in DuckDB; each batch is scored and judged, and only
its decisions are kept, so memory stays under a ceiling whatever the size of the blocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from harvester.dedup.features import PairFeatures
from harvester.dedup.scoring import score_pairs

# Pairs scored at once: about 70 MB of compared fields at 3.5 KB a pair.
PAIR_BATCH = 20_000


def pair_batches(con: duckdb.DuckDBPyConnection, pairs: str, size: int) -> Iterator[int]:
    """Fill temp table `candidate_pairs` with the pairs (a, b) of table `pairs`, `size` at a
    time, yielding each batch's number; `candidate_pairs` is dropped at the end (`pairs` may
    be it)."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pair_batches AS
            SELECT a, b, (row_number() OVER () - 1) // {int(size)} AS batch FROM {pairs}"""
    )
    found = con.execute("SELECT max(batch) FROM pair_batches").fetchone()
    batches = 0 if found is None or found[0] is None else int(found[0]) + 1
    try:
        for batch in range(batches):
            con.execute(
                """CREATE OR REPLACE TEMP TABLE candidate_pairs AS
                   SELECT a, b FROM pair_batches WHERE batch = ?""",
                [batch],
            )
            yield batch
    finally:
        con.execute("DROP TABLE IF EXISTS candidate_pairs")
        con.execute("DROP TABLE IF EXISTS pair_batches")


def scored_batches(con: duckdb.DuckDBPyConnection, pairs: str) -> Iterator[PairFeatures]:
    """The features of the pairs (a, b) of table `pairs`, a batch at a time. Each batch is
    scored from temp table `candidate_pairs` (replaced, then dropped: `pairs` may be it)."""
    for _ in pair_batches(con, pairs, PAIR_BATCH):
        yield score_pairs(con)
