"""Harvesting a review's sources side by side: a bounded pool of workers, at most `per_host`
of them on one host at a time (by default one: a small journal server is asked by one
connection), while every page still goes to the store one transaction at a time.

A worker runs one whole source (harvester/harvest.py), which already turns anything that goes
wrong inside it into that source's outcome; what escapes (the store failing, the run being
stopped) stops the pool from starting more sources, lets the running ones end at their next
request, and is raised again once they have.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # harvester.walk imports the review module, which imports this one
    from harvester.walk import SourceResult

# Sources harvested at once, all hosts together, and per host ([harvest] in a review file).
DEFAULT_CONCURRENCY = 32
DEFAULT_PER_HOST = 1


@dataclass(frozen=True)
class PoolLimits:
    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST


@dataclass(frozen=True)
class Job:
    """One source to harvest: `host` is what the per-host limit counts."""

    name: str
    host: str
    run: Callable[[], SourceResult]


def host_of(url: str | None, fallback: str) -> str:
    """The host a source's requests go to (host and port), or `fallback` when it has none."""
    return urlsplit(url).netloc.lower() if url else fallback


def run_jobs(
    jobs: Sequence[Job],
    limits: PoolLimits,
    *,
    on_done: Callable[[SourceResult], None],
    stop: threading.Event,
) -> list[SourceResult]:
    """Every job's result, in the jobs' order; with concurrency 1, one after another."""
    if limits.concurrency <= 1:
        results = []
        for job in jobs:
            results.append(job.run())
            on_done(results[-1])
        return results
    return _Pool(jobs, limits, on_done, stop).run()


class _Pool:
    def __init__(
        self,
        jobs: Sequence[Job],
        limits: PoolLimits,
        on_done: Callable[[SourceResult], None],
        stop: threading.Event,
    ) -> None:
        self.pending = list(enumerate(jobs))
        self.limits = limits
        self.on_done = on_done
        self.stop = stop
        self.busy: Counter[str] = Counter()
        self.running: dict[Future[SourceResult], tuple[int, Job]] = {}
        self.results: dict[int, SourceResult] = {}
        self.failure: BaseException | None = None

    def run(self) -> list[SourceResult]:
        workers = min(self.limits.concurrency, max(1, len(self.pending)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="harvest") as pool:
            try:
                while self.pending or self.running:
                    self.start_more(pool)
                    if not self.running:
                        break
                    done, _ = wait(self.running, return_when=FIRST_COMPLETED)
                    for future in done:
                        self.collect(future)
            except BaseException:
                self.stop.set()  # the running sources stop at their next request
                raise
        if self.failure is not None:
            raise self.failure
        return [self.results[i] for i in sorted(self.results)]

    def start_more(self, pool: ThreadPoolExecutor) -> None:
        while self.failure is None and len(self.running) < self.limits.concurrency:
            pick = next(
                (
                    at
                    for at, (_, job) in enumerate(self.pending)
                    if self.busy[job.host] < self.limits.per_host
                ),
                None,
            )
            if pick is None:
                return
            index, job = self.pending.pop(pick)
            self.busy[job.host] += 1
            self.running[pool.submit(job.run)] = (index, job)

    def collect(self, future: Future[SourceResult]) -> None:
        index, job = self.running.pop(future)
        self.busy[job.host] -= 1
        try:
            result = future.result()
        except BaseException as exc:  # the store failing or the run stopping: raised later
            if self.failure is None:
                self.failure = exc
                self.stop.set()
            return
        self.results[index] = result
        self.on_done(result)
