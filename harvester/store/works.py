"""A page's works as `works` rows, and their links to a review: the table-level writes
(Arrow tables, one statement each) that harvester/store/records.py puts a page through."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any

import duckdb
import pyarrow as pa

from harvester.normalize import family_name, first_page, title_key
from harvester.work import Work

_LIST = pa.list_(pa.string())
_TEXTS = pa.list_(pa.struct([("text", pa.string()), ("language", pa.string())]))
WORK_SCHEMA = pa.schema(
    [
        ("work_id", pa.string()),
        ("source", pa.string()),
        ("source_id", pa.string()),
        ("doi", pa.string()),
        ("title", pa.string()),
        ("authors", _LIST),
        ("year", pa.int32()),
        ("venue", pa.string()),
        ("abstract", pa.string()),
        ("type", pa.string()),
        ("language", pa.string()),
        ("url", pa.string()),
        ("volume", pa.string()),
        ("issue", pa.string()),
        ("pages", pa.string()),
        ("issn", _LIST),
        ("keywords", _LIST),
        ("other_titles", _LIST),
        ("published", pa.string()),
        ("updated", pa.string()),
        ("retracted", pa.bool_()),
        ("deleted", pa.bool_()),
        ("ids", pa.string()),
        ("title_key", pa.string()),
        ("first_author", pa.string()),
        ("first_page", pa.string()),
        ("pmid", pa.string()),
        ("arxiv", pa.string()),
        ("retracts", _LIST),
        ("titles", _TEXTS),
        ("abstracts", _TEXTS),
    ]
)
WORK_COLUMNS = [f.name for f in WORK_SCHEMA]


def work_row(work: Work) -> dict[str, Any]:
    """A Work as a `works` row, with the matching keys deduplication uses."""
    row = work.to_dict()
    row["work_id"] = work.key
    row["ids"] = _ids_json(work)
    row["title_key"] = title_key(work.title) or None
    row["first_author"] = family_name(work.authors[0]) if work.authors else None
    row["first_page"] = first_page(work.pages)
    row["pmid"] = work.ids.get("pmid")
    row["arxiv"] = work.ids.get("arxiv")
    return {name: row.get(name) for name in WORK_COLUMNS}


# json.dumps(ids, sort_keys=True) builds an encoder per call; this one is built once.
_IDS_JSON = json.JSONEncoder(sort_keys=True).encode


def _ids_json(work: Work) -> str:
    return _IDS_JSON(dict(work.ids)) if work.ids else "{}"  # most works have no other ids


_DERIVED: dict[str, Callable[[Work], Any]] = {
    "work_id": lambda w: w.key,
    "ids": _ids_json,
    "title_key": lambda w: title_key(w.title) or None,
    "first_author": lambda w: family_name(w.authors[0]) if w.authors else None,
    "first_page": lambda w: first_page(w.pages),
    "pmid": lambda w: w.ids.get("pmid"),
    "arxiv": lambda w: w.ids.get("arxiv"),
    "titles": lambda w: [t.to_dict() for t in w.titles],
    "abstracts": lambda w: [t.to_dict() for t in w.abstracts],
}
# Each column's values from a Work: its attribute, or what _DERIVED derives.
_VALUES: list[tuple[Callable[[Work], Any], pa.DataType]] = [
    (_DERIVED.get(name) or attrgetter(name), WORK_SCHEMA.field(name).type) for name in WORK_COLUMNS
]


def works_table(works: Sequence[Work]) -> pa.Table:
    """Works as `works` rows (what work_row gives), built column by column."""
    columns = [pa.array(list(map(values, works)), type_) for values, type_ in _VALUES]
    return pa.Table.from_arrays(columns, schema=WORK_SCHEMA)


def insert_works(con: duckdb.DuckDBPyConnection, works: Sequence[Work], now: datetime) -> None:
    """Works new to the store, in one plain insert."""
    if not works:
        return
    con.register("page_works", works_table(works))
    try:
        con.execute(
            f"INSERT INTO works ({', '.join(WORK_COLUMNS)}, mapped_at) SELECT *, ? FROM page_works",
            [now],
        )
    finally:
        con.unregister("page_works")


def upsert_works(con: duckdb.DuckDBPyConnection, works: Sequence[Work], now: datetime) -> None:
    if not works:
        return
    con.register("page_works", works_table(works))
    try:
        updates = ", ".join(f"{c} = excluded.{c}" for c in WORK_COLUMNS if c != "work_id")
        con.execute(
            f"""INSERT INTO works ({", ".join(WORK_COLUMNS)}, mapped_at)
                SELECT *, ? FROM page_works
                ON CONFLICT (work_id) DO UPDATE SET {updates}, mapped_at = excluded.mapped_at""",
            [now],
        )
    finally:
        con.unregister("page_works")


_LINK = """INSERT INTO review_records
             (review_id, work_id, source, matched, judged_by, first_run, last_run)
           SELECT ?, work_id, ?, matched, judged_by, ?, ? FROM page_links"""
_RELINK = f"""{_LINK}
           ON CONFLICT (review_id, work_id) DO UPDATE SET
             last_run = excluded.last_run, matched = excluded.matched,
             judged_by = excluded.judged_by"""


def link_review(
    con: duckdb.DuckDBPyConnection,
    review_id: str,
    source: str,
    work_ids: list[str],
    run_id: int,
    matched: Sequence[bool] | None = None,
    judged_by: Sequence[str | None] | None = None,
    *,
    first: bool = False,
) -> None:
    """Link works to the review; `matched` is the local filter's latest verdict per work, and
    `judged_by` the filter that gave it (None: no filter judged it). `first`: none of them is
    linked yet, so they are inserted without the (three times dearer) conflict check."""
    flags = list(matched) if matched is not None else [True] * len(work_ids)
    judges = list(judged_by) if judged_by is not None else [None] * len(work_ids)
    table = pa.table(
        {
            "work_id": pa.array(work_ids, pa.string()),
            "matched": pa.array(flags, pa.bool_()),
            "judged_by": pa.array(judges, pa.string()),
        }
    )
    con.register("page_links", table)
    try:
        con.execute(_LINK if first else _RELINK, [review_id, source, run_id, run_id])
    finally:
        con.unregister("page_links")
