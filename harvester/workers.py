"""Per-record Python work (keying works, making snapshot records) spread over worker
processes, one per core: the jobs go out a few at a time and their results come back in the
order the jobs were given, so the outcome is the same on one core or many."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

MAX_WORKERS = 8


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pool_size(worth_it: bool) -> int:
    """Worker processes for a job big enough to spread (`worth_it`): one per usable core, at
    most MAX_WORKERS, where this system can start them by forking; else 1 (this process)."""
    forks = {"fork", "forkserver"} <= set(multiprocessing.get_all_start_methods())
    return min(usable_cores(), MAX_WORKERS) if worth_it and forks else 1


def start_method() -> str:
    """How workers start: forked from this process when it runs no other thread (the CLI's
    `run`); from a fork server otherwise (`serve`: its web and scheduler threads may hold locks
    a plain fork would copy held). Jobs and results travel pickled either way."""
    return "fork" if threading.active_count() == 1 else "forkserver"


def in_order(work: Callable[[Job], Result], jobs: Iterable[Job], workers: int) -> Iterator[Result]:
    """`work` done on each of `jobs`, in order: by `workers` worker processes (a job ahead for
    each, no more, so only that many are held at once), or here when `workers` is 1."""
    if workers < 2:
        yield from map(work, jobs)
        return
    with multiprocessing.get_context(start_method()).Pool(workers) as pool:
        pending: deque[AsyncResult[Result]] = deque()
        for job in jobs:
            pending.append(pool.apply_async(work, (job,)))
            if len(pending) > workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
