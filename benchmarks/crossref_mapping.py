"""What mapping costs per record: Crossref `to_work` and the `works` Arrow table of a page.

Generated Crossref journal articles (benchmarks/harvest_data.py), parsed once up front; then
each page of 1,000 is mapped with `to_work` and turned into its `works_table`, timed apart.
Prints CPU microseconds per record (process time, best of three passes: steadier than
wall time on a shared machine); nothing is asserted.

    .venv/bin/python -m benchmarks.crossref_mapping [records]
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks.harvest_data import PAGE, article_json, templates
from connectors.crossref import Crossref
from harvester.store.works import works_table


def main(count: int = 50_000) -> None:
    base = templates()
    raws = [json.loads(article_json(i, count, base)) for i in range(count)]
    connector = Crossref()
    best_map = best_table = float("inf")
    for _ in range(3):
        mapping = table = 0.0
        for start in range(0, count, PAGE):
            page = raws[start : start + PAGE]
            t0 = time.process_time()
            works = [connector.to_work(raw) for raw in page]
            t1 = time.process_time()
            works_table(works)
            t2 = time.process_time()
            mapping, table = mapping + t1 - t0, table + t2 - t1
        best_map, best_table = min(best_map, mapping), min(best_table, table)
    print(f"crossref mapping, {count:,} generated records (best of 3)")
    print(f"  to_work      : {best_map / count * 1e6:7.1f} us/record")
    print(f"  works_table  : {best_table / count * 1e6:7.1f} us/record")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
