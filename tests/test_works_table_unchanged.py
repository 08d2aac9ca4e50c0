"""The works Arrow table of a page is what it always was, for any works.

`old_works_table` is the table as it was built before it was made cheaper (kept here only,
as the definition of the expected output).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.normalize import family_name, first_page, title_key
from harvester.store.works import WORK_COLUMNS, WORK_SCHEMA, work_row, works_table
from harvester.work import ID_KINDS, Text, Work

OLD_DERIVED: dict[str, Callable[[Work], Any]] = {
    "work_id": lambda w: w.key,
    "ids": lambda w: json.dumps(dict(w.ids), sort_keys=True),
    "title_key": lambda w: title_key(w.title) or None,
    "first_author": lambda w: family_name(w.authors[0]) if w.authors else None,
    "first_page": lambda w: first_page(w.pages),
    "pmid": lambda w: w.ids.get("pmid"),
    "arxiv": lambda w: w.ids.get("arxiv"),
    "titles": lambda w: [t.to_dict() for t in w.titles],
    "abstracts": lambda w: [t.to_dict() for t in w.abstracts],
}


def old_works_table(works: Sequence[Work]) -> pa.Table:
    columns = [
        pa.array([derive(w) for w in works], WORK_SCHEMA.field(name).type)
        if (derive := OLD_DERIVED.get(name))
        else pa.array([getattr(w, name) for w in works], WORK_SCHEMA.field(name).type)
        for name in WORK_COLUMNS
    ]
    return pa.Table.from_arrays(columns, schema=WORK_SCHEMA)


TEXT = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["<i>A</i> title.", "Ünï  code", "é\u0301", "&amp;", "S12-19", "e1234"]),
)
STRINGS = st.lists(st.text(min_size=1, max_size=8), max_size=3).map(tuple)
TEXTS = st.lists(
    st.builds(Text, st.text(min_size=1, max_size=10), st.one_of(st.none(), st.just("id"))),
    max_size=2,
).map(tuple)
WORKS = st.builds(
    Work,
    source=st.sampled_from(["crossref", "pubmed", "ø"]),
    source_id=st.text(min_size=1, max_size=10),
    doi=TEXT,
    title=TEXT,
    authors=STRINGS,
    year=st.one_of(st.none(), st.integers(1500, 2099)),
    venue=TEXT,
    abstract=TEXT,
    url=TEXT,
    ids=st.dictionaries(
        st.sampled_from(ID_KINDS), st.one_of(st.just(""), st.text(max_size=8)), max_size=4
    ),
    pages=TEXT,
    issn=STRINGS,
    keywords=STRINGS,
    retracted=st.booleans(),
    retracts=STRINGS,
    deleted=st.booleans(),
    titles=TEXTS,
    abstracts=TEXTS,
)


@settings(max_examples=300)
@given(st.lists(WORKS, max_size=6))
def test_works_table_unchanged(works: list[Work]) -> None:
    table, expected = works_table(works), old_works_table(works)
    assert table.equals(expected)
    assert table.to_pylist() == expected.to_pylist()


@settings(max_examples=300)
@given(WORKS)
def test_work_row_is_a_row_of_the_table(work: Work) -> None:
    assert work_row(work) == old_works_table([work]).to_pylist()[0]
