"""Running a review: harvest each source, deduplicate, publish a snapshot.

Each source is harvested on its own (harvester/harvest.py): one that fails or is throttled is
recorded as such with its reason, never as "0 results", and the other sources still run. The
sources run side by side in a bounded pool (harvester/pool.py, `[harvest] concurrency`), one
per host by default; each page is still written in its own transaction. Only the store
failing (StoreError: disk full) ends a run early, and then without a snapshot.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from harvester import health
from harvester.dedup import update_clusters
from harvester.errors import StoreError
from harvester.harvest import RunObserver, Silent, build_connector, harvest_source, query_hash
from harvester.http import HttpClient
from harvester.pool import Job, host_of, run_jobs
from harvester.registry import connector_class
from harvester.review import Review, SourceConfig
from harvester.snapshot import SnapshotSummary, create_snapshot
from harvester.store import Store
from harvester.store import runs as bookkeeping
from harvester.walk import RunStopped, SourceResult

__all__ = [
    "RunObserver",
    "RunResult",
    "RunStopped",
    "SourceResult",
    "build_connector",
    "harvest_source",
    "now_utc",
    "query_hash",
    "run_review",
]


@dataclass
class RunResult:
    run_id: int
    review_id: str
    status: str
    sources: list[SourceResult] = field(default_factory=list)
    snapshot: SnapshotSummary | None = None


def now_utc() -> datetime:
    # DuckDB TIMESTAMP columns are naive; all stored times are UTC.
    return datetime.now(UTC).replace(tzinfo=None)


def run_review(
    review: Review,
    store: Store,
    *,
    sources: Sequence[str] | None = None,
    full: bool = False,
    http: HttpClient | None = None,
    observer: RunObserver | None = None,
    clock: Callable[[], datetime] = now_utc,
    should_stop: Callable[[], bool] | None = None,
) -> RunResult:
    """Harvest `review` into `store` and publish a snapshot of its deduplicated set.

    `should_stop` is asked before every request; once it says yes the run raises RunStopped
    and is recorded as interrupted, its committed pages and watermarks kept.
    """
    selected = [review.source(name) for name in sources] if sources else list(review.sources)
    observer = observer or Silent()
    started = clock()
    bookkeeping.mark_abandoned_runs(store)
    bookkeeping.register_review(store, review.id, review.title, str(review.path))
    run_id = bookkeeping.start_run(store, review.id, started, full)
    result = RunResult(run_id, review.id, "running")
    own_http = http is None
    client = http or HttpClient(contact=review.contact)
    stop = threading.Event()

    def stopping() -> bool:
        return stop.is_set() or (should_stop is not None and should_stop())

    def job(source: SourceConfig) -> Job:
        def harvest() -> SourceResult:
            if source.files is not None:
                # Imported here: the file harvest uses this module's result types.
                from harvester.filesources.harvest import harvest_files

                return harvest_files(
                    store, review, source, run_id=run_id, observer=observer, clock=clock
                )
            return harvest_source(
                store,
                client,
                review,
                source,
                run_id=run_id,
                until=started,
                full=full,
                observer=observer,
                clock=clock,
                should_stop=stopping,
            )

        url = source.base_url or (
            None if source.files else connector_class(source.connector).base_url
        )

        def guarded() -> SourceResult:
            return health.guarded(
                store, client, source, harvest, run_id=run_id, until=started, now=clock
            )

        return Job(source.name, host_of(url, f"local:{source.name}"), guarded)

    try:
        result.sources = run_jobs(
            [job(s) for s in selected], review.pool, on_done=observer.source_done, stop=stop
        )
        _publish(store, review, result, clock)
    except BaseException as exc:
        result.status = "failed" if isinstance(exc, StoreError) else "interrupted"
        with contextlib.suppress(StoreError):  # the store may be what failed
            bookkeeping.finish_run(store, run_id, result.status, clock())
        raise
    else:
        bookkeeping.finish_run(store, run_id, result.status, clock())
    finally:
        if own_http:
            client.close()
    return result


def _publish(
    store: Store, review: Review, result: RunResult, clock: Callable[[], datetime]
) -> None:
    """Deduplicate what the run brought and publish a snapshot, unless nothing was harvested."""
    update_clusters(store, run_id=result.run_id, now=clock())
    failed = [s.source for s in result.sources if s.status not in ("ok", "capped")]
    # A file source that imported some of its files ("partial") has records to publish.
    if all(s.status not in ("ok", "capped", "partial") for s in result.sources):
        # Nothing was harvested: a snapshot would claim the review found nothing.
        result.status = "failed"
        return
    result.status = "partial" if failed else "ok"
    result.snapshot = create_snapshot(
        store, review, run_id=result.run_id, now=clock(), failed_sources=failed
    )
