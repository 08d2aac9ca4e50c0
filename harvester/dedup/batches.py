"""Stage 4 in bounded batches: candidate pairs are scored `PAIR_BATCH` at a time.

A pair's row holds both records' titles, authors, venues and abstracts (about 3.5 KB), and one
600-record "Wang 2019" block alone makes 180,000 pairs: scored at once, the pairs of a large
store need gigabytes. Only the pairs' ids are held (as Arrow); each batch is read by DuckDB
where it is (registered, not copied into a temp table: inside the store's transaction every
temp table would be held until it commits), scored and judged, and only its decisions are
kept, so memory stays under a ceiling whatever the size of the blocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pyarrow as pa

from harvester.dedup.features import PairFeatures
from harvester.dedup.scoring import score_pairs
from harvester.store.database import registered

# Pairs scored at once: about 70 MB of compared fields at 3.5 KB a pair.
PAIR_BATCH = 20_000
# The name a batch of pairs is read under.
BATCH = "pair_batch"


def pair_table(con: duckdb.DuckDBPyConnection, pairs: pa.Table | str) -> pa.Table:
    """The pairs (a, b): `pairs` itself, or read from the table it names."""
    if isinstance(pairs, pa.Table):
        return pairs
    return con.sql(f"SELECT a, b FROM {pairs}").to_arrow_table()


def pair_batches(
    con: duckdb.DuckDBPyConnection, pairs: pa.Table | str, size: int
) -> Iterator[None]:
    """The pairs (a, b) of `pairs` (a table, or the name of one) `size` at a time, each batch
    readable as `BATCH` while the loop body runs."""
    table = pair_table(con, pairs)
    for start in range(0, table.num_rows, size):
        with registered(con, BATCH, table.slice(start, size)):
            yield


def scored_batches(con: duckdb.DuckDBPyConnection, pairs: pa.Table | str) -> Iterator[PairFeatures]:
    """The features of the pairs (a, b) of `pairs` (a table, or the name of one), a batch at
    a time."""
    for _ in pair_batches(con, pairs, PAIR_BATCH):
        features = score_pairs(con, BATCH)
        yield features
