"""How long living-review reporting takes on a larger review: snapshot, diff, PRISMA, exports.

Two updates of recorded Crossref records multiplied into distinct ones (N, then N/10 more),
deduplicated and snapshotted as a run would; then each report is timed once.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.harvest_data import word
from benchmarks.store_writes import PAGE, records
from harvester.dedup import update_clusters
from harvester.exports import FORMATS, load_snapshot_records
from harvester.query import Query
from harvester.reporting.diff import diff_snapshots
from harvester.reporting.prisma import prisma_report
from harvester.reporting.prisma_svg import prisma_svg
from harvester.review import Review
from harvester.snapshot import create_snapshot
from harvester.store import Store, open_store
from harvester.store.records import RawRecord, write_page

SIZES = (20_000, 100_000)
REVIEW = Review(id="bench", title="bench", query=Query("x"), sources=(), path=Path("b.toml"))


def harvest(store: Store, run_id: int, rows: list[RawRecord]) -> None:
    for i in range(0, len(rows), PAGE):
        with store.transaction() as con:
            write_page(
                con,
                run_id=run_id,
                review_id="bench",
                source="crossref",
                connector="crossref",
                records=rows[i : i + PAGE],
                now=datetime.now(),
            )
    update_clusters(store, run_id=run_id, now=datetime.now())


def timed(label: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = action()
    print(f"  {label:<34} {time.perf_counter() - start:7.2f} s")
    return result


def export(store: Store, fmt: str, snapshot: int) -> int:
    _, rows = load_snapshot_records(store, "bench", snapshot)
    return FORMATS[fmt](rows, io.StringIO())


def distinct(count: int) -> list[RawRecord]:
    """Recorded records multiplied into distinct articles: each copy gets its own DOI, title
    words, authors, volume, pages (of varied length) and abstract, so deduplication keeps every
    one as its own cluster."""
    out = []
    for i, r in enumerate(records(count)):
        if r.work is None:
            continue
        work = r.work
        own = " ".join(word(i * 3 + k) for k in range(3)).capitalize()
        first = 1 + (i * 7) % 5000
        work = dataclasses.replace(
            work,
            doi=f"{work.doi}/{i}",
            title=f"{own}: {work.title or ''}",
            authors=tuple(f"{word(i * 4 + k).capitalize()}, {'ABCD'[k]}" for k in range(4)),
            volume=str(i),
            pages=f"{first}-{first + 3 + i % 29}",
            abstract=f"{own} ({i}). " + " ".join(word(i * 97 + k) for k in range(60)),
        )
        out.append(dataclasses.replace(r, work=work))
    return out


def bench(size: int) -> None:
    extra = size // 10
    rows = distinct(size + extra)
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "b.duckdb") as store:
        store.execute("SET enable_progress_bar = false")
        print(f" {size:,} records, then {extra:,} more:")
        harvest(store, 1, rows[:size])
        first = timed(
            "snapshot 1", lambda: create_snapshot(store, REVIEW, run_id=1, now=datetime.now())
        ).snapshot_id
        harvest(store, 2, rows[size:])
        second = timed(
            "snapshot 2", lambda: create_snapshot(store, REVIEW, run_id=2, now=datetime.now())
        ).snapshot_id
        diff = timed("snapshots diff 1 2", lambda: diff_snapshots(store, first, second))
        assert len(diff.added) == extra
        report = timed("prisma counts", lambda: prisma_report(store, "bench", second))
        timed("prisma svg", lambda: prisma_svg(report))
        for fmt in ("ris", "csv", "bibtex", "jsonl"):
            count = timed(f"export {fmt} (all)", lambda f=fmt: export(store, f, second))
            assert count == size + extra


def main() -> None:
    print("living-review reporting (one timing each)")
    for size in SIZES:
        bench(size)


if __name__ == "__main__":
    main()
