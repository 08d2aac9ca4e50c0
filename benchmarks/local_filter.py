"""How fast the local filter judges records, beside the filter it was before.

OAI-PMH sources send everything and every record passes the filter, so its cost per record
bounds how large a repository a run can take; on Crossref it is part of every harvested record's
cost. Two sets of records: the recorded Crossref and OpenAlex pages mapped once and repeated to
RECORDED records, judged by the bundled egov-oss and demo strategies; and GENERATED records as
the harvest benchmark serves them (benchmarks.harvest_data, mapped by the Crossref connector),
judged by its strategy ("study", which every title holds) and by a Boolean strategy that must
read most abstracts. Each is timed the way a run applies it, and the filter before (kept in
tests/test_local_filter_same_verdicts.py as the reference the filter is checked against) on the
same records: both must keep the same records.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import harvest_data
from connectors.crossref import Crossref
from connectors.openalex import OpenAlex
from harvester.query import Query
from harvester.query.local_filter import local_filter
from harvester.review import load_review
from harvester.work import Work
from tests.test_local_filter_same_verdicts import old_local_filter

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "tests" / "fixtures" / "api"
RECORDED = 100_000
GENERATED = 50_000
REPEATS = 3
HARVEST_QUERY = "study"  # the harvest benchmark's strategy (benchmarks.harvest.review_file)
BOOLEAN_QUERY = (
    '("soil carbon" OR pollinat* OR "coral reef*" OR mangrove* OR wetland* OR drought)'
    ' AND (trial* OR experiment* OR "field stud*" OR model*)'
    ' NOT (review*[ti] OR "meta analys*" OR "systematic review")'
)


def recorded_works() -> list[Work]:
    recorded = Crossref().parse(
        (API / "crossref" / "works-query-widget-cursor-star-page1.json").read_bytes()
    )
    recorded += OpenAlex().parse(
        (API / "openalex" / "works-filter-cited_by-cursor-star.json").read_bytes()
    )
    return [recorded[i % len(recorded)] for i in range(RECORDED)]


def generated_works() -> list[Work]:
    """The harvest benchmark's first GENERATED records, each page mapped as a harvest maps it."""
    base, crossref, works = harvest_data.templates(), Crossref(), []
    for start in range(0, GENERATED, harvest_data.PAGE):
        items = ", ".join(
            harvest_data.article_json(i, GENERATED, base)
            for i in range(start, min(GENERATED, start + harvest_data.PAGE))
        )
        works += crossref.parse(f'{{"status": "ok", "message": {{"items": [{items}]}}}}'.encode())
    return works


def timed(keep: Callable[[Work], bool], records: list[Work]) -> tuple[float, int]:
    """Seconds to judge `records` (the best of REPEATS: the machine is shared), and how many
    were kept."""
    best, kept = float("inf"), 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        kept = sum(1 for work in records if keep(work))
        best = min(best, time.perf_counter() - start)
    return best, kept


def compare(label: str, query: Query, records: list[Work]) -> None:
    """The filter and the filter before on the same records, in microseconds per record."""
    now, kept = timed(local_filter(query), records)
    before, kept_before = timed(old_local_filter(query), records)
    count = len(records)
    print(
        f"local filter, {label}: {count:,} records, {now / count * 1e6:.1f} us a record "
        f"({count / now:,.0f}/s), {kept:,} kept; the filter before {before / count * 1e6:.1f} us "
        f"({kept_before:,} kept), {before / now:.1f}x"
    )


def main() -> None:
    records = recorded_works()
    for name in ("egov-oss", "demo"):
        query = load_review(ROOT / "config" / "reviews" / f"{name}.toml").query
        compare(f"recorded works, {name} strategy", query, records)
    records = generated_works()
    compare(f"generated Crossref works, {HARVEST_QUERY!r}", Query(HARVEST_QUERY), records)
    compare("generated Crossref works, Boolean strategy", Query(BOOLEAN_QUERY), records)


if __name__ == "__main__":
    main()
