"""A review's runs at scale, from generated Crossref pages served on loopback: the first run
(harvest, deduplication, snapshot), an update that finds nothing new, one with 1,000 new
records, a source re-sending all its records unchanged, exports; and the floor beside them.

Two sources of the Crossref connector: "main" sends three quarters of the records, "mirror"
a third of those again (the duplicates, a quarter of all). Updates send the last 1,000 records
again (the overlap window); at most LARGE records, five such updates in a row show how the
store grows. Above LARGE the full re-sends and the exports are left out: they repeat what the
smaller sizes measure, and take many minutes at a million. Time and peak memory per phase are
printed, never asserted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from benchmarks import ROOT
from benchmarks.floor import PARSER, floor
from benchmarks.harvest_data import PAGE, article_json, templates, write_pages
from benchmarks.loopback import serving
from benchmarks.phases import SKIPPED, Measured, measure, measure_child, store_bytes
from harvester.dedup import update_clusters
from harvester.harvest import Silent, harvest_source
from harvester.http import HttpClient
from harvester.review import Review, load_review
from harvester.runner import now_utc
from harvester.snapshot import create_snapshot
from harvester.store import Store, open_store
from harvester.store import runs as bookkeeping
from harvester.store.memory import ENV as MEMORY_ENV

DEFAULT_SIZES = (10_000,)
# Failures of a phase at scale that the figures report instead of stopping at.
FAILURES = (pa.ArrowInvalid, MemoryError, duckdb.OutOfMemoryException)
OVERLAP = 1_000  # records an update receives again
NEW = 1_000
SETS = ("first", "nochange", "new")
LARGE = 200_000  # above this many records, the runs that only repeat others are left out
NO_CHANGE_RUNS = {True: 5, False: 1}  # updates with nothing new in a row, by size <= LARGE


def prepare(folder: Path, size: int) -> int:
    """Pages of every set under `folder`; the number of records of the main source."""
    main = size * 3 // 4
    base = templates()
    window = range(max(0, main - OVERLAP), main)

    def items(indices: range | list[int], mirror: bool = False) -> Iterator[str]:
        return (article_json(i, main, base, mirror=mirror) for i in indices)

    write_pages(folder / "first" / "main", items(range(main)), main)
    write_pages(folder / "first" / "mirror", items(range(0, main, 3), mirror=True), main // 3)
    write_pages(folder / "nochange" / "main", items(window), len(window))
    write_pages(folder / "new" / "main", items([*window, *range(main, main + NEW)]), OVERLAP + NEW)
    for name in ("nochange", "new"):
        write_pages(folder / name / "mirror", iter(()), 0)
    return main


def review_file(folder: Path, base_url: str, name: str, *, local_filter: bool = True) -> Review:
    """The review, its two sources asking the server's set `name` (their local filter, as
    Crossref's by default, judging every record by the strategy, unless told otherwise)."""
    path = folder / f"{name}{'' if local_filter else '-unfiltered'}.toml"
    sources = "".join(
        f'[[sources]]\nname = "{s}"\nconnector = "crossref"\n'
        f'base_url = "{base_url}/{name}/{s}"\nrate_limit = 10000\n'
        f"local_filter = {str(local_filter).lower()}\n\n"
        for s in ("main", "mirror")
    )
    path.write_text(
        '[review]\nid = "bench"\ntitle = "harvest benchmark"\ncontact = "b@example.org"\n\n'
        f"[query]\ntext = 'study'\n\n{sources}",
        encoding="utf-8",
    )
    return load_review(path)


@dataclass(frozen=True)
class Run:
    harvest: Measured
    dedup: Measured
    snapshot: Measured
    records: int
    growth: int  # of the store file, after the run (checkpointed)
    harvest_growth: int  # of it, by the harvest
    checkpoints: float  # seconds DuckDB took writing its log into the file, in no phase

    @property
    def seconds(self) -> float:
        return self.harvest.seconds + self.dedup.seconds + self.snapshot.seconds


def run(
    store: Store, review: Review, http: HttpClient, *, full: bool = False, publish: bool = True
) -> Run:
    """One run of `review`, as harvester.runner runs it, each phase measured apart (without
    deduplication and snapshot unless `publish`)."""
    before = store_bytes(store.path)
    started = now_utc()
    bookkeeping.register_review(store, review.id, review.title, str(review.path))
    run_id = bookkeeping.start_run(store, review.id, started, full)

    def harvest() -> int:
        options = {"run_id": run_id, "until": started, "full": full, "clock": now_utc}
        results = [
            harvest_source(store, http, review, s, observer=Silent(), **options)  # type: ignore[arg-type]
            for s in review.sources
        ]
        failed = [f"{r.source}: {r.error}" for r in results if r.status != "ok"]
        if failed:
            raise RuntimeError("; ".join(failed))
        return sum(r.records for r in results)

    harvested = measure(harvest)
    flushing = time.perf_counter()
    store.execute("CHECKPOINT")
    checkpoints = time.perf_counter() - flushing
    harvest_growth = store_bytes(store.path) - before
    dedup, snapshot = SKIPPED, SKIPPED
    if publish:
        dedup = measure(lambda: update_clusters(store, run_id=run_id, now=now_utc()), FAILURES)
    if not dedup.failed:
        snapshot = measure(
            lambda: create_snapshot(store, review, run_id=run_id, now=now_utc()), FAILURES
        )
    bookkeeping.finish_run(store, run_id, "ok", now_utc())
    flushing = time.perf_counter()
    store.execute("CHECKPOINT")
    checkpoints += time.perf_counter() - flushing
    growth = store_bytes(store.path) - before
    return Run(harvested, dedup, snapshot, harvested.result, growth, harvest_growth, checkpoints)


def report(label: str, outcome: Run) -> None:
    rate = outcome.records / outcome.harvest.seconds if outcome.harvest.seconds else 0.0
    print(
        f" {label}: {outcome.seconds:.2f} s (+ {outcome.checkpoints:.2f} s of checkpoints after "
        f"the harvest and the run), store {outcome.growth / 2**20:+,.1f} MB"
    )
    grown = f"store {outcome.harvest_growth / 2**20:+,.1f} MB"
    print(outcome.harvest.line("harvest", f"{outcome.records:,} records, {rate:,.0f}/s, {grown}"))
    print(outcome.dedup.line("deduplication", f"{outcome.dedup.result or 0:,} works placed"))
    print(outcome.snapshot.line("snapshot"))


def updates(store: Store, review: Review, http: HttpClient, publish: bool, times: int) -> None:
    """`times` updates in a row that find nothing new: the first reported in full, then the
    store's growth by each (the overlap window re-sent unchanged every time)."""
    runs = [run(store, review, http, publish=publish) for _ in range(times)]
    report("update, nothing new", runs[0])
    if times > 1:
        grown = ", ".join(f"{r.growth / 2**20:+,.2f}" for r in runs)
        harvested = ", ".join(f"{r.harvest_growth / 2**20:+,.2f}" for r in runs)
        slowest = max(r.seconds for r in runs)
        peak = max(m.peak_mb for r in runs for m in (r.harvest, r.dedup, r.snapshot))
        print(f"  {times} in a row: store MB {grown} (by the harvest: {harvested});")
        print(f"  {'':<2}slowest {slowest:.2f} s, peak {peak:,.0f} MB")


def exports(folder: Path, db: Path) -> None:
    review = folder / "first.toml"
    for fmt in ("ris", "csv"):
        out = folder / f"export.{fmt}"
        command = [sys.executable, "-m", "harvester", "export", str(review), "--db", str(db)]
        measured = measure_child([*command, "--format", fmt, "--out", str(out)], ROOT)
        print(measured.line(f"export {fmt} (CLI, own process)", f"{out.stat().st_size:,} bytes"))


def bench(size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        main = prepare(folder / "pages", size)
        print(
            f"harvest benchmark: {main + main // 3:,} records ({main // 3:,} of them duplicates), "
            f"pages of {PAGE:,} (generated in {time.perf_counter() - start:.0f} s)"
        )
        with serving(folder / "pages") as base:
            reviews = {name: review_file(folder, base, name) for name in SETS}
            urls = [f"{base}/first/{s}/works" for s in ("main", "mirror")]
            floored = measure(lambda: floor(urls, folder / "floor.duckdb"))
            rate = floored.result / floored.seconds
            print(floored.line("floor: json + ten fields + Arrow insert", f"{rate:,.0f}/s"))
            print(f"  (pages parsed by {PARSER}, in the floor and the harvest alike)")
            db = folder / "store.duckdb"
            with open_store(db) as store, HttpClient(contact="b@example.org") as http:
                store.execute("SET enable_progress_bar = false")
                cap = store.value("SELECT current_setting('memory_limit')")
                print(f"  DuckDB memory cap {cap} (harvester.store.memory, {MEMORY_ENV})")
                first = run(store, reviews["first"], http)
                report("first run", first)
                print(f"  store size {store_bytes(db) / 2**20:,.1f} MB")
                # Once deduplication or the snapshot failed (memory), later runs only harvest.
                publish = not (first.dedup.failed or first.snapshot.failed)
                updates(store, reviews["nochange"], http, publish, NO_CHANGE_RUNS[size <= LARGE])
                report(f"update, {NEW:,} new", run(store, reviews["new"], http, publish=publish))
                if size > LARGE:
                    print(
                        f" every record sent again (with and without a local filter), exports: "
                        f"skipped above {LARGE:,} records (measured at the smaller sizes)"
                    )
                    return
                again = run(store, reviews["first"], http, full=True, publish=publish)
                report("every record sent again, unchanged", again)
                unfiltered = review_file(folder, base, "first", local_filter=False)
                again = run(store, unfiltered, http, full=True, publish=publish)
                report("the same, sources without a local filter", again)
        if publish:
            exports(folder, db)


def main(sizes: tuple[int, ...] = DEFAULT_SIZES) -> None:
    for size in sizes:
        bench(size)


if __name__ == "__main__":
    main(tuple(int(s) for s in sys.argv[1].split(",")) if len(sys.argv) > 1 else DEFAULT_SIZES)
