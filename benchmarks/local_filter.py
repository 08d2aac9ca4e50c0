"""How fast the local filter judges records: the bundled egov-oss strategy on recorded works.

OAI-PMH sources send everything and every record passes the filter, so its cost per record
bounds how large a repository a run can take. Maps the recorded Crossref and OpenAlex pages
once, repeats them to N records, and times the filter the way a run applies it.
"""

from __future__ import annotations

import time
from pathlib import Path

from connectors.crossref import Crossref
from connectors.openalex import OpenAlex
from harvester.query.local_filter import local_filter
from harvester.review import load_review
from harvester.work import Work

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "tests" / "fixtures" / "api"
COUNT = 100_000


def works() -> list[Work]:
    recorded = Crossref().parse(
        (API / "crossref" / "works-query-widget-cursor-star-page1.json").read_bytes()
    )
    recorded += OpenAlex().parse(
        (API / "openalex" / "works-filter-cited_by-cursor-star.json").read_bytes()
    )
    return [recorded[i % len(recorded)] for i in range(COUNT)]


def main() -> None:
    records = works()
    for name in ("egov-oss", "demo"):
        query = load_review(ROOT / "config" / "reviews" / f"{name}.toml").query
        keep = local_filter(query)
        start = time.perf_counter()
        kept = sum(1 for work in records if keep(work))
        seconds = time.perf_counter() - start
        print(
            f"local filter, {name} strategy: {COUNT:,} records in {seconds:.2f} s "
            f"({COUNT / seconds:,.0f} records/s), {kept:,} kept"
        )


if __name__ == "__main__":
    main()
