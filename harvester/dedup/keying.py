"""Stage 1 inside the store: the works of table `fresh` keyed a chunk at a time, on every core.

Keying is per-record Python, most of the time of a first run's deduplication. The works are
read from DuckDB as Arrow batches of `KEY_CHUNK` rows, so only a chunk of them is ever held as
Python objects; from `PARALLEL_FROM` works on, the chunks are keyed in worker processes (they
receive Arrow batches and send back Arrow key tables), a few chunks ahead at most. Chunks come
back in order: the keys are the same on one core or many.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa

from harvester.dedup.keys import KEY_SCHEMA, keys_table
from harvester.dedup.prepare import PARALLEL_FROM
from harvester.work import Work
from harvester.workers import in_order, pool_size

# Works read, and keyed, at once.
KEY_CHUNK = 5_000

_WORK_FIELDS = (
    "work_id, source, source_id, doi, title, authors, year, venue, abstract, type, volume, "
    "issue, pages, other_titles, ids, url"
)


def fresh_keys(con: duckdb.DuckDBPyConnection, count: int) -> pa.Table:
    """The `dedup_keys` rows (without their time and version) of the `count` works of `fresh`."""
    reader = con.sql(
        f"SELECT {_WORK_FIELDS} FROM works WHERE work_id IN (SELECT work_id FROM fresh)"
    ).to_arrow_reader(KEY_CHUNK)
    tables = list(in_order(_chunk_keys, reader, pool_size(count >= PARALLEL_FROM)))
    return pa.concat_tables(tables) if tables else KEY_SCHEMA.empty_table()


def _chunk_keys(batch: pa.RecordBatch) -> pa.Table:
    rows = zip(*(column.to_pylist() for column in batch.columns), strict=True)
    return keys_table((row[0], _work(row)) for row in rows)


def _work(row: tuple[Any, ...]) -> Work:
    (_, source, source_id, doi, title, authors, year, venue, abstract, kind, volume, issue) = row[
        :12
    ]
    pages, other_titles, ids, url = row[12:]
    return Work(
        source=source,
        source_id=source_id,
        doi=doi,
        title=title,
        authors=tuple(authors or ()),
        year=year,
        venue=venue,
        abstract=abstract,
        type=kind,
        volume=volume,
        issue=issue,
        pages=pages,
        other_titles=tuple(other_titles or ()),
        ids=json.loads(ids) if ids else {},
        url=url,
    )
