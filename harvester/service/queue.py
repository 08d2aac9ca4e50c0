"""The job queue: reviews wait their turn, one job runs at a time.

`JobQueue` is the interface the service uses; `MemoryQueue` is the one-process implementation
(the store has one writer, so the queue lives beside it). A review is never queued twice: a
second "run now" or a slot that comes round while it waits joins the job already waiting.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Job:
    review_id: str
    reason: str  # scheduled | catch-up | retry | manual
    queued_at: datetime


class JobQueue(Protocol):
    def put(self, job: Job) -> bool:
        """Queue `job`; False when its review is already waiting or running, or closed."""
        ...

    def take(self, timeout: float) -> Job | None:
        """The next job (now marked running), or None after `timeout` seconds or once closed."""
        ...

    def done(self, job: Job) -> None: ...

    def close(self) -> None:
        """Take no more jobs; the one running finishes."""
        ...

    def running(self) -> Job | None: ...

    def waiting(self) -> list[Job]: ...


class MemoryQueue:
    """A first-in, first-out queue of jobs for one worker thread."""

    def __init__(self) -> None:
        self._waiting: deque[Job] = deque()
        self._running: Job | None = None
        self._closed = False
        self._ready = threading.Condition()

    def put(self, job: Job) -> bool:
        with self._ready:
            busy = {j.review_id for j in self._waiting}
            if self._running is not None:
                busy.add(self._running.review_id)
            if self._closed or job.review_id in busy:
                return False
            self._waiting.append(job)
            self._ready.notify()
            return True

    def take(self, timeout: float) -> Job | None:
        with self._ready:
            if not self._waiting and not self._closed:
                self._ready.wait(timeout)
            if self._closed or not self._waiting:
                return None
            self._running = self._waiting.popleft()
            return self._running

    def done(self, job: Job) -> None:
        with self._ready:
            if self._running == job:
                self._running = None

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._waiting.clear()
            self._ready.notify_all()

    def running(self) -> Job | None:
        with self._ready:
            return self._running

    def waiting(self) -> list[Job]:
        with self._ready:
            return list(self._waiting)
