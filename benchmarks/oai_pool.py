"""`make bench-oai`: 500 generated OJS-like OAI-PMH endpoints, one review, harvested with
concurrency 1 and with the pool; wall time, records per second, requests, peak memory.

The endpoints (harvester/testing/oai_farm.py) run in their own process, each "host" its own
loopback port; each endpoint has 1-5 pages of 100 records and waits 50-200 ms before every
answer (a slow journal server); a few answer 500, an HTML maintenance page, nothing in time,
or XML cut short. Every harvest runs in a fresh process on a fresh DuckDB file (its peak
memory is its own), through the real CLI path: a registry, a [[source_groups]] review, the
pool, the store. Afterwards each healthy endpoint's records are counted in the store: each
must be there exactly once.

    python -m benchmarks.oai_pool [--endpoints 500] [--concurrency 32] [--seed 16]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harvester.http import HttpClient
from harvester.review import load_review
from harvester.runner import run_review
from harvester.store import open_store
from harvester.testing.oai_farm import Endpoint, dump
from harvester.walk import SourceResult

FAULTS = {"http500": 0.02, "maintenance": 0.01, "timeout": 0.01, "malformed": 0.01}
# Politeness per host in the review (requests per second): 10 = 100 ms between two requests.
RATE_LIMIT = 10
TIMEOUT_S, HANG_S = 2.0, 6.0


def endpoints(count: int, seed: int, delay: tuple[float, float] = (0.05, 0.2)) -> list[Endpoint]:
    """Deterministic endpoints: every tenth pair shares a host (a site-wide OJS install)."""
    pick = random.Random(seed)
    out = []
    for i in range(count):
        roll, fault = pick.random(), None
        for name, share in FAULTS.items():
            if roll < share:
                fault = name
                break
            roll -= share
        host = i - 1 if i % 10 == 1 else i
        pages, wait = pick.randint(1, 5), pick.uniform(*delay)
        out.append(Endpoint(f"j{i:03d}", host, pages, 100, wait, fault, HANG_S))
    return out


def review_files(folder: Path, urls: dict[str, str], concurrency: int) -> Path:
    journals = "\n".join(
        f'[[journal]]\nname = "{name}"\ntitle = "Jurnal {name}"\nbase_url = "{url}"\n'
        'subject = ["public administration"]\n'
        for name, url in urls.items()
    )
    (folder / "farm.toml").write_text(journals, encoding="utf-8")
    review = folder / f"bench-{concurrency}.toml"
    review.write_text(
        '[review]\nid = "bench-oai"\n[query]\ntext = "governance"\n'
        f"[harvest]\nconcurrency = {concurrency}\n\n[[source_groups]]\n"
        f'registry = "farm.toml"\nname = "farm"\nrate_limit = {RATE_LIMIT}\n'
        "local_filter = false\n",
        encoding="utf-8",
    )
    return review


@dataclass
class Clock:
    """When the harvest itself ended (the last source done): dedup and snapshot follow."""

    started: float
    last_done: float = 0.0
    peak_mb: float = 0.0  # peak memory when the harvest ended, before dedup and snapshot

    def source_started(self, source: str, request: str) -> None:
        pass

    def page_done(self, source: str, records: int, total: int | None) -> None:
        pass

    def source_done(self, result: SourceResult) -> None:
        self.last_done = time.monotonic()
        self.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(review_path: Path, db: Path) -> None:
    """One harvest in this process; prints its figures as JSON."""
    review = load_review(review_path)
    clock = Clock(time.monotonic())
    with (
        open_store(db) as store,
        HttpClient(timeout=TIMEOUT_S, max_attempts=2, backoff_max=0.5) as http,
    ):
        result = run_review(review, store, http=http, observer=clock)
        ended = time.monotonic()
        stored = dict(
            store.rows("SELECT source, count(*) FROM raw_records GROUP BY source")  # type: ignore[arg-type]
        )
        linked = store.value("SELECT count(*) FROM review_records WHERE review_id = 'bench-oai'")
    print(
        json.dumps(
            {
                "harvest_s": clock.last_done - clock.started,
                "total_s": ended - clock.started,
                "requests": http.requests_sent,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "harvest_peak_mb": clock.peak_mb,
                "stored": stored,
                "linked": linked,
                "status": {s.source: s.status for s in result.sources},
                "errors": {s.source: s.error for s in result.sources if s.error},
            }
        )
    )


def harvest(review: Path, db: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.oai_pool", "--child", str(review), str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"harvest failed: {done.stderr[-2000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def check(figures: dict[str, object], farm: list[Endpoint]) -> list[str]:
    """Problems: a healthy endpoint whose records are not each stored once, a fault unreported."""
    stored, status = figures["stored"], figures["status"]
    assert isinstance(stored, dict) and isinstance(status, dict)
    problems = []
    for e in farm:
        source = f"farm.{e.name}"
        if e.fault is None and (stored.get(source) != e.records or status[source] != "ok"):
            problems.append(f"{source}: {stored.get(source)} of {e.records}, {status[source]}")
        if e.fault is not None and status[source] != "failed":
            problems.append(f"{source} ({e.fault}) reported {status[source]}")
    healthy = sum(e.records for e in farm)
    if figures["linked"] != healthy:
        problems.append(f"{figures['linked']} records linked to the review, expected {healthy}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--delay", default="0.3-1.2", help="seconds each endpoint waits before an answer: MIN-MAX"
    )
    parser.add_argument("--pool-only", action="store_true", help="skip the concurrency 1 run")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    low, high = (float(x) for x in args.delay.split("-"))
    farm = endpoints(args.endpoints, args.seed, (low, high))
    with tempfile.TemporaryDirectory(prefix="bench-oai-") as tmp:
        folder = Path(tmp)
        spec = folder / "farm.json"
        spec.write_text(dump(farm), encoding="utf-8")
        server = subprocess.Popen(
            [sys.executable, "-m", "harvester.testing.oai_farm", str(spec)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            urls = json.loads(server.stdout.readline())
            levels = (args.concurrency,) if args.pool_only else (1, args.concurrency)
            report(farm, folder, urls, levels)
        finally:
            server.terminate()
            server.wait()


def report(
    farm: list[Endpoint], folder: Path, urls: dict[str, str], levels: tuple[int, ...]
) -> None:
    faults = sum(1 for e in farm if e.fault)
    print(
        f"bench-oai {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {len(farm)} endpoints on "
        f"{len({e.host for e in farm})} loopback hosts, {sum(e.records for e in farm):,} healthy "
        f"records in {sum(e.pages for e in farm if not e.fault):,} pages, each answer after "
        f"{min(e.delay for e in farm):.2f}-{max(e.delay for e in farm):.2f} s; "
        f"{faults} failing ({', '.join(sorted({str(e.fault) for e in farm if e.fault}))})"
    )
    runs = {}
    for level in levels:
        review = review_files(folder, urls, level)
        figures = harvest(review, folder / f"c{level}.duckdb")
        runs[level] = figures
        problems = check(figures, farm)
        failed = sorted(s for s, v in figures["status"].items() if v != "ok")  # type: ignore[attr-defined]
        records = sum(figures["stored"].values())  # type: ignore[attr-defined]
        seconds = float(figures["harvest_s"])  # type: ignore[arg-type]
        print(
            f"concurrency {level:>3}: harvest {seconds:7.1f} s "
            f"(run with dedup and snapshot {float(figures['total_s']):.1f} s), "  # type: ignore[arg-type]
            f"{records / seconds:,.0f} records/s, {figures['requests']:,} requests, "
            f"peak {float(figures['peak_mb']):,.0f} MB "  # type: ignore[arg-type]
            f"(harvest {float(figures['harvest_peak_mb']):,.0f} MB), "  # type: ignore[arg-type]
            f"{records:,} records stored, "
            f"{len(failed)} failed: {'all checks passed' if not problems else problems[:5]}"
        )
    pool = levels[-1]
    if 1 in runs and pool != 1:
        speedup = float(runs[1]["harvest_s"]) / float(runs[pool]["harvest_s"])  # type: ignore[arg-type]
        print(f"speed-up of the pool ({pool}) over concurrency 1: {speedup:.1f}x")
    errors = runs[pool]["errors"]
    assert isinstance(errors, dict)
    for source, error in sorted(errors.items())[:10]:
        print(f"  {source}: {error[:150]}")


if __name__ == "__main__":
    main()
