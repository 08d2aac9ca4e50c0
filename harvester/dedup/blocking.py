"""Stage 3: candidate pairs, from several cheap keys, in DuckDB SQL.

Two records become a candidate pair when they share any block key; the keys are unioned and
every pair appears once. Only pairs with at least one new record (table `fresh`) are made:
pairs of older records were judged when the later of them arrived.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from harvester.store.database import registered

# Each key catches duplicates the others miss: a typo at the end of a title (prefix), a
# prefix such as "Summary of:" or "[Translated title]" (suffix), a rewritten title by the
# same first author in the same year, a title missing altogether (journal location), and
# records whose titles differ by language but share an abstract.
BLOCK_KEYS = (
    "'d' || doi_alias",
    "'p' || pmid",
    "'c' || pmcid",
    "'x' || arxiv",
    "'m' || embase",
    "CASE WHEN length(title) >= 12 THEN 't' || left(replace(title, ' ', ''), 30) END",
    "CASE WHEN length(title) >= 12 THEN 'e' || right(replace(title, ' ', ''), 45) END",
    "CASE WHEN length(title_alt) >= 12 THEN 't' || left(replace(title_alt, ' ', ''), 30) END",
    "CASE WHEN length(title_alt) >= 12 THEN 'e' || right(replace(title_alt, ' ', ''), 45) END",
    "'a' || first_author || ' ' || year",
    "'v' || venue || ' ' || volume || ' ' || page_first",
    "CASE WHEN length(abstract) >= 80 THEN 'b' || left(abstract, 80) END",
)

# A block this large says nothing about its records ("a systematic review and meta-analysis
# of...", a DOI a supplement gives all its abstracts, "Wang 2019" in a store of millions) and
# its pairs grow with the square of its size: it is left out, and its duplicates are found
# through their other keys. The largest block in the 53,001 records of asysd_srsr has 161.
MAX_BLOCK = 1_000
# New records whose pairs are made at once (a 600-record author-year block per 25,000
# records gives about 500,000 pairs).
FRESH_GROUP = 25_000


def candidate_pairs(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The candidate pairs (a, b), a < b, of `dedup_keys` and `fresh`.

    The pairs of all new records at once (a hash table of every pair of every block) take
    most of the memory of deduplication: they are made for `FRESH_GROUP` new records at a
    time, each pair by its smaller new record, so that every pair comes once."""
    keys = ", ".join(BLOCK_KEYS)
    # Only the blocks of new records; of them, a block of one record pairs nothing and a
    # block over MAX_BLOCK is left out.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE blocks AS
            SELECT work_id, block, work_id IN (SELECT work_id FROM fresh) AS new FROM (
                SELECT work_id, unnest([{keys}]) AS block FROM dedup_keys
            ) WHERE block IN (
                SELECT unnest([{keys}]) FROM dedup_keys
                WHERE work_id IN (SELECT work_id FROM fresh)
            )
            QUALIFY count(*) OVER (PARTITION BY block) BETWEEN 2 AND {MAX_BLOCK}"""
    )
    fresh = int(con.execute("SELECT count(*) FROM fresh").fetchall()[0][0])
    groups = max(1, -(-fresh // FRESH_GROUP))
    found = [
        con.sql(
            f"""WITH new_blocks AS (
                    SELECT DISTINCT work_id, block FROM blocks
                    WHERE new AND hash(work_id) % {groups} = {group}
                ), others AS (
                    SELECT DISTINCT work_id, block, new FROM blocks
                    WHERE block IN (SELECT block FROM new_blocks)
                )
                SELECT DISTINCT least(n.work_id, o.work_id) AS a,
                                greatest(n.work_id, o.work_id) AS b
                FROM new_blocks n JOIN others o
                  ON n.block = o.block AND n.work_id <> o.work_id
                 AND (NOT o.new OR n.work_id < o.work_id)"""
        ).to_arrow_table()
        for group in range(groups)
    ]
    con.execute("DROP TABLE blocks")
    return pa.concat_tables(found)


def make_candidate_pairs(con: duckdb.DuckDBPyConnection) -> int:
    """Fill temp table `candidate_pairs(a, b)` (a < b) from `dedup_keys` and `fresh`."""
    pairs = candidate_pairs(con)
    with registered(con, "found_pairs", pairs):
        con.execute("CREATE OR REPLACE TEMP TABLE candidate_pairs AS SELECT a, b FROM found_pairs")
    return int(pairs.num_rows)
