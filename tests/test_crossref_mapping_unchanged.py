"""Crossref's to_work and the works table give what they always gave, for any record.

`old_to_work` is the mapping as it was before it was made cheaper (kept here only, as the
definition of the expected output). Random records, and recorded ones with fields replaced by
values of odd shapes, must map to the same Work, or fail with the same error. The digests pin
the works and works tables of every recorded Crossref page as they were at 0525320.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.crossref import RETRACTION_TYPES, Crossref
from harvester.mapping import date_parts_iso, first, person, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.store.works import works_table
from harvester.work import Work
from tests.conftest import API

PAGES = API / "crossref"


def old_to_work(connector: Crossref, raw: Any) -> Work:
    title = clean_title(first(raw.get("title")))
    subtitle = clean_title(first(raw.get("subtitle")))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    issued = None
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (raw.get(key) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0] is not None:
            issued = parts[0]
            break
    updates = [u.get("type") for u in raw.get("updated-by") or [] if isinstance(u, dict)]
    retracts = (
        normalize_doi(u.get("DOI"))
        for u in raw.get("update-to") or []
        if isinstance(u, dict) and u.get("type") in RETRACTION_TYPES
    )
    isbns = raw.get("ISBN") or []
    return Work(
        source=connector.instance,
        source_id=connector.source_id(raw),
        title=title,
        authors=tuple(
            filter(
                None,
                (
                    person(a.get("family"), a.get("given"), a.get("name"))
                    for a in raw.get("author") or []
                ),
            )
        ),
        year=parse_year(issued[0]) if issued else None,
        doi=normalize_doi(raw.get("DOI")),
        venue=clean_text(first(raw.get("container-title"))),
        abstract=clean_abstract(raw.get("abstract")),
        type=raw.get("type"),
        language=raw.get("language"),
        url=raw.get("URL"),
        volume=raw.get("volume"),
        issue=raw.get("issue"),
        pages=raw.get("page"),
        issn=tuple(filter(None, map(normalize_issn, raw.get("ISSN") or []))),
        keywords=strings(raw.get("subject") or []),
        other_titles=strings([*(raw.get("original-title") or []), *(raw.get("short-title") or [])]),
        published=date_parts_iso(issued),
        updated=connector.updated_at(raw),
        retracted=bool(RETRACTION_TYPES & set(updates)),
        retracts=tuple(sorted({d for d in retracts if d})),
        ids={"isbn": isbns[0]} if isbns else {},
    )


def outcome(map_one: Any, raw: Any) -> tuple[str, ...]:
    """What mapping gives: the Work (its repr tells 1 from True), or the error it raises."""
    try:
        return ("work", repr(map_one(raw)))
    except Exception as exc:  # the error itself is what is compared
        return ("error", type(exc).__name__, str(exc))


def recorded_items() -> list[dict[str, Any]]:
    items = []
    for path in sorted(PAGES.glob("work*.json")):
        message = json.loads(path.read_bytes())["message"]
        items += message.get("items", [message])
    return items


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 3000), st.text(max_size=12), st.just("")
)
TEXTS = st.sampled_from(
    ["", " ", "A title.", "<i>Sub</i> title", "&amp; more", "Abstract: x", "Ünï", "10.1/X."]
)
PERSON = st.dictionaries(
    st.sampled_from(["family", "given", "name", "sequence"]), st.one_of(SCALARS, TEXTS)
)
UPDATE = st.dictionaries(
    st.sampled_from(["type", "DOI"]),
    st.one_of(st.sampled_from([*RETRACTION_TYPES, "correction", "10.1/R", "doi:10.2/q."]), SCALARS),
)
DATE = st.dictionaries(
    st.just("date-parts"),
    st.one_of(
        st.lists(st.lists(st.one_of(st.none(), st.integers(1400, 2100), TEXTS), max_size=4)),
        SCALARS,
    ),
)
VALUES = st.one_of(
    SCALARS,
    TEXTS,
    st.lists(st.one_of(TEXTS, SCALARS), max_size=3),
    st.lists(PERSON, max_size=3),
    st.lists(st.one_of(UPDATE, SCALARS), max_size=3),
    DATE,
    st.dictionaries(st.sampled_from(["date-time", "x"]), SCALARS),
)
KEYS = [
    "DOI",
    "title",
    "subtitle",
    "author",
    "issued",
    "published",
    "published-print",
    "published-online",
    "updated-by",
    "update-to",
    "ISBN",
    "ISSN",
    "container-title",
    "abstract",
    "type",
    "language",
    "URL",
    "volume",
    "issue",
    "page",
    "subject",
    "original-title",
    "short-title",
    "indexed",
]
RECORDS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=12)


@settings(max_examples=1500)
@given(RECORDS)
def test_random_records_map_as_before(raw: dict[str, Any]) -> None:
    connector = Crossref()
    assert outcome(connector.to_work, raw) == outcome(lambda r: old_to_work(connector, r), raw)


@settings(max_examples=800)
@given(st.sampled_from(recorded_items()), RECORDS)
def test_recorded_records_with_odd_fields_map_as_before(
    item: dict[str, Any], odd: dict[str, Any]
) -> None:
    connector = Crossref()
    raw = {**item, **odd}
    assert outcome(connector.to_work, raw) == outcome(lambda r: old_to_work(connector, r), raw)


# sha256 (first 16 digits) of each recorded page's works as JSON, and of its works table,
# as mapped at 0525320 (before the mapping was made cheaper).
DIGESTS = {
    "work-10.1371-journal.pone.0033693.json": (1, "8630583c0563ee81", "e83dd74065ff97f7"),
    "works-query-ecology-query-author.json": (20, "1c29e8b796420be0", "cc6f5ed489ebc706"),
    "works-query-ecology-rows2.json": (2, "650019f42f7ac19c", "2e5f0fc47cd4af8d"),
    "works-query-ecology-select-doi-title.json": (20, "98b2171b89a7be56", "90a7f0e777c1d9d3"),
    "works-query-widget-cursor-page2.json": (20, "3781db7ec25ee766", "c11be6b915db91f2"),
    "works-query-widget-cursor-page3.json": (20, "e0b955a68d779054", "c532f9557f46521b"),
    "works-query-widget-cursor-star-page1.json": (20, "f9e64392601c0ba1", "11045392ae7e1c40"),
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_recorded_pages_map_to_the_same_works_and_table(name: str) -> None:
    connector = Crossref()
    page = connector.parse_page((PAGES / name).read_bytes())
    works = [connector.to_work(raw) for raw in page.records]
    table = json.dumps(works_table(works).to_pylist(), default=str)
    expected = DIGESTS[name]
    assert (len(works), digest("\n".join(w.to_json() for w in works)), digest(table)) == expected


def test_every_recorded_page_is_pinned() -> None:
    assert sorted(p.name for p in Path(PAGES).glob("work*.json")) == sorted(DIGESTS)
