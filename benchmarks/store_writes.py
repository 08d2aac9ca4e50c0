"""How fast a harvested page goes into the store: bulk Arrow writes vs row-by-row executemany.

Maps the recorded Crossref pages once, multiplies them into N distinct records, and writes them
in pages of 1,000 the way a run does, then the same rows with executemany as the peer.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from datetime import datetime
from pathlib import Path

from connectors.crossref import Crossref
from harvester.store import open_store
from harvester.store.records import RawRecord, work_row, write_page

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "api" / "crossref"
PAGE = 1000


def records(count: int) -> list[RawRecord]:
    connector = Crossref()
    base = []
    for name in (
        "works-query-widget-cursor-star-page1.json",
        "works-query-ecology-query-author.json",
    ):
        page = connector.parse_page((FIXTURES / name).read_bytes())
        base += [(connector.payload(raw), connector.to_work(raw)) for raw in page.records]
    out = []
    for i in range(count):
        payload, work = base[i % len(base)]
        source_id = f"{work.source_id}/{i}"
        out.append(RawRecord(source_id, payload, dataclasses.replace(work, source_id=source_id)))
    return out


def bench_bulk(rows: list[RawRecord], folder: Path) -> float:
    with open_store(folder / "bulk.duckdb") as store:
        start = time.perf_counter()
        for i in range(0, len(rows), PAGE):
            with store.transaction() as con:
                write_page(
                    con,
                    run_id=1,
                    review_id="bench",
                    source="crossref",
                    connector="crossref",
                    records=rows[i : i + PAGE],
                    now=datetime.now(),
                )
        return time.perf_counter() - start


def bench_executemany(rows: list[RawRecord], folder: Path) -> float:
    with open_store(folder / "rows.duckdb") as store:
        works = [work_row(r.work) for r in rows if r.work]
        columns = list(works[0])
        sql = (
            f"INSERT INTO works ({', '.join(columns)}, mapped_at) "
            f"VALUES ({', '.join('?' for _ in columns)}, now())"
        )
        start = time.perf_counter()
        for i in range(0, len(works), PAGE):
            with store.transaction() as con:
                con.executemany(sql, [list(w.values()) for w in works[i : i + PAGE]])
        return time.perf_counter() - start


def main(count: int = 20_000) -> None:
    rows = records(count)
    with tempfile.TemporaryDirectory() as tmp:
        bulk = bench_bulk(rows, Path(tmp))
        slow = bench_executemany(rows[:5_000], Path(tmp))
    print("store writes (records/second, pages of 1,000)")
    print(
        f"  bulk Arrow writes, raw + works + review links : {count / bulk:>10,.0f}  "
        f"({count:,} records in {bulk:.2f} s)"
    )
    print(
        f"  executemany, works table only (peer)          : {5_000 / slow:>10,.0f}  "
        f"(5,000 records in {slow:.2f} s)"
    )


if __name__ == "__main__":
    main()
