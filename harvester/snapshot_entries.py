"""Which clusters a new snapshot holds, and which of them need their exported record made again.

A snapshot is membership (`snapshot_entries`, migration 0010): each version of a cluster's
entry is stored once, with the first and last snapshot of its review that held it. Making a
snapshot is done in DuckDB: the review's members now (`snapshot_now`), a fingerprint per cluster
of everything its record is made from (its members' stored fields and the retraction notices
naming them), and the clusters whose fingerprint differs from their open entry
(`snapshot_remake`). Only those are read into Python, in chunks of `REMAKE_CHUNK` clusters, so
an update with nothing new reads no record at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from typing import Any

import duckdb
import pyarrow as pa

# Clusters whose records are made in one go: bounds memory, whatever the review's size.
REMAKE_CHUNK = 5_000
# DuckDB's memory while a snapshot is made; beyond it, DuckDB spills to disk. Unbounded (80%
# of the machine by default), its cache of the records a first snapshot writes took 1.5 GB of
# 200k generated records (0.7 GB in all with this limit, a few percent slower).
SNAPSHOT_MEMORY = "400MB"

# The fields of a stored work a canonical record is made from (the rest are matching keys).
MEMBER_FIELDS = "w.* EXCLUDE (title_key, first_author, first_page, pmid, arxiv, mapped_at)"

# Each work's digest is taken where it is stored, so the joins carry 8 bytes, not its fields.
_NOW = f"""
CREATE OR REPLACE TEMP TABLE snapshot_now AS
WITH notices AS (
    SELECT target, list(DISTINCT notice ORDER BY notice) AS notices
    FROM (SELECT unnest(retracts) AS target, coalesce(doi, work_id) AS notice
          FROM works WHERE NOT deleted AND len(coalesce(retracts, [])) > 0)
    GROUP BY target
), digests AS (
    SELECT x.work_id, x.source, x.doi, x.deleted, hash(x) AS digest
    FROM (SELECT {MEMBER_FIELDS} FROM works w) x
)
SELECT m.cluster_id, d.work_id, d.source, hash(d.digest, n.notices) AS digest
FROM review_records r
JOIN digests d USING (work_id)
JOIN cluster_members m USING (work_id)
LEFT JOIN notices n ON n.target = d.doi
WHERE r.review_id = $review AND r.matched AND NOT d.deleted
"""

_REMAKE = """
CREATE OR REPLACE TEMP TABLE snapshot_remake AS
WITH clusters AS (
    SELECT cluster_id, hash(list(digest ORDER BY work_id)) AS fingerprint
    FROM snapshot_now GROUP BY cluster_id
)
SELECT c.cluster_id, c.fingerprint,
       (row_number() OVER (ORDER BY c.cluster_id) - 1) // $chunk AS chunk
FROM clusters c
LEFT JOIN snapshot_entries e
  ON e.review_id = $review AND e.last_snapshot IS NULL AND e.cluster_id = c.cluster_id
WHERE e.fingerprint IS DISTINCT FROM c.fingerprint
"""

# The members of the clusters to make again, gathered in one join and stored in chunk order:
# a chunk is then read off its own rows (zone maps), not joined again against every work.
_TODO = f"""
CREATE OR REPLACE TEMP TABLE snapshot_todo AS
SELECT c.chunk, c.cluster_id, c.fingerprint, {MEMBER_FIELDS}
FROM snapshot_remake c
JOIN snapshot_now n USING (cluster_id)
JOIN works w USING (work_id)
ORDER BY c.chunk, c.cluster_id, w.work_id
"""
DROP_TODO = "DROP TABLE IF EXISTS snapshot_todo"
_CHUNK = """
SELECT * EXCLUDE (chunk) FROM snapshot_todo WHERE chunk = ? ORDER BY cluster_id, work_id
"""

MADE_TABLE = """
CREATE OR REPLACE TEMP TABLE snapshot_made (
    cluster_id VARCHAR, fingerprint UBIGINT, canonical_work_id VARCHAR,
    work_ids VARCHAR[], sources VARCHAR[], record VARCHAR, content VARCHAR
)
"""

# An entry is the same when its records, sources and exported record are: compared by an md5
# of them all (as migration 0010 computes it), so entries kept are never read.
CONTENT = """md5(CAST(to_json(struct_pack(c := canonical_work_id, w := work_ids, s := sources,
                                         r := CAST(record AS VARCHAR))) AS VARCHAR))"""
ADD_MADE = f"INSERT INTO snapshot_made SELECT *, {CONTENT} FROM made_rows"

# In the snapshot's transaction: close the entries the new snapshot no longer holds as they
# were, open the new ones, and note the fingerprint of the entries made again unchanged.
_CLOSING = """
CREATE OR REPLACE TEMP TABLE snapshot_closing AS
SELECT e.cluster_id
FROM snapshot_entries e
LEFT JOIN (SELECT DISTINCT cluster_id FROM snapshot_now) n USING (cluster_id)
LEFT JOIN snapshot_made m USING (cluster_id)
WHERE e.review_id = $review AND e.last_snapshot IS NULL
  AND (n.cluster_id IS NULL OR m.content <> e.content)
"""
_CLOSE = """
UPDATE snapshot_entries SET last_snapshot = $previous
WHERE review_id = $review AND last_snapshot IS NULL
  AND cluster_id IN (SELECT cluster_id FROM snapshot_closing)
"""
# The clusters to open are named first (ids only): the entries are then copied as
# `snapshot_made` holds them, in cluster order, with no sort of their records (which, at a
# million records, ran past DuckDB's memory limit).
_OPENING = """
CREATE OR REPLACE TEMP TABLE snapshot_opening AS
SELECT m.cluster_id FROM snapshot_made m
WHERE NOT EXISTS (SELECT 1 FROM snapshot_entries e
                  WHERE e.review_id = $review AND e.last_snapshot IS NULL
                    AND e.cluster_id = m.cluster_id)
"""
_OPEN = """
INSERT INTO snapshot_entries
SELECT $review, m.cluster_id, $snapshot, NULL, m.fingerprint, m.content, m.canonical_work_id,
       m.work_ids, m.sources, m.record
FROM snapshot_made m
WHERE m.cluster_id IN (SELECT cluster_id FROM snapshot_opening)
"""
_KEEP = """
UPDATE snapshot_entries e SET fingerprint = m.fingerprint
FROM snapshot_made m
WHERE e.review_id = $review AND e.last_snapshot IS NULL AND e.cluster_id = m.cluster_id
  AND e.fingerprint IS DISTINCT FROM m.fingerprint AND e.content = m.content
"""


@contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory limit lowered to `limit` inside, restored after (it is the database's,
    not the connection's)."""
    found = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        if found is not None:
            con.execute(f"SET memory_limit = '{found[0]}'")


def find_changes(con: duckdb.DuckDBPyConnection, review_id: str) -> int:
    """Fill `snapshot_now`, `snapshot_remake` and `snapshot_todo`; the number of chunks to make
    again."""
    con.execute(_NOW, {"review": review_id})
    con.execute(_REMAKE, {"review": review_id, "chunk": REMAKE_CHUNK})
    chunks = con.execute("SELECT max(chunk) FROM snapshot_remake").fetchone()
    con.execute(_TODO)
    return 0 if chunks is None or chunks[0] is None else int(chunks[0]) + 1


def remake_chunks(con: duckdb.DuckDBPyConnection, chunks: int) -> Iterator[pa.Table]:
    """The members of the clusters to make again, a chunk at a time: cluster id, fingerprint,
    then the member's fields, in cluster order (a cluster's members consecutive rows)."""
    for chunk in range(chunks):
        yield con.sql(_CHUNK, params=[chunk]).to_arrow_table()


def chunk_clusters(members: pa.Table) -> Iterator[tuple[str, int, list[dict[str, Any]]]]:
    """(cluster id, fingerprint, members as dicts) of each cluster of a chunk."""
    fields = members.column_names[2:]
    rows = zip(*(column.to_pylist() for column in members.columns), strict=True)
    for (cluster_id, fingerprint), cluster in groupby(rows, key=itemgetter(0, 1)):
        yield cluster_id, fingerprint, [dict(zip(fields, m[2:], strict=True)) for m in cluster]


def store_entries(
    con: duckdb.DuckDBPyConnection, review_id: str, snapshot_id: int, previous: int | None
) -> None:
    """Write the new snapshot's membership from `snapshot_now` and `snapshot_made`."""
    con.execute(_CLOSING, {"review": review_id})
    con.execute(_CLOSE, {"review": review_id, "previous": previous})
    con.execute(_OPENING, {"review": review_id})
    con.execute(_OPEN, {"snapshot": snapshot_id, "review": review_id})
    con.execute(_KEEP, {"review": review_id})


def drop_scratch(con: duckdb.DuckDBPyConnection) -> None:
    scratch = ("snapshot_now", "snapshot_remake", "snapshot_todo", "snapshot_made")
    for table in (*scratch, "snapshot_closing", "snapshot_opening"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
