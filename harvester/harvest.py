"""Harvesting one source of a review: what it is asked, its walk (harvester/walk.py), and
its outcome in the run's bookkeeping.

Failure is per source: whatever goes wrong inside one source (an error response, a page of a
shape its connector does not read, a bound of the walk or the HTTP seam reached, a bug in its
connector) fails that source with its reason, never "0 results", and the run goes on. Only the
store failing (StoreError: disk full) ends the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from harvester.connector import Connector
from harvester.errors import (
    ConnectorError,
    DeadlineError,
    RetriableAPIError,
    StoreError,
    ThrottledError,
)
from harvester.explain import plan_source, public
from harvester.http import HttpClient
from harvester.page_records import described
from harvester.query.local_filter import local_filter
from harvester.registry import connector_class
from harvester.review import Review, SourceConfig
from harvester.store import Store
from harvester.store import runs as bookkeeping
from harvester.walk import SourcePlan, SourceResult, SourceWalk

# How long one source may take in one run (a source's `max_minutes` sets its own).
DEFAULT_MAX_MINUTES = 720


class RunObserver(Protocol):
    """What a front end (the CLI's progress display) hears about a run."""

    def source_started(self, source: str, request: str) -> None: ...

    def page_done(self, source: str, records: int, total: int | None) -> None: ...

    def source_done(self, result: SourceResult) -> None: ...


class Silent:
    def source_started(self, source: str, request: str) -> None:
        pass

    def page_done(self, source: str, records: int, total: int | None) -> None:
        pass

    def source_done(self, result: SourceResult) -> None:
        pass


def build_connector(source: SourceConfig, review: Review) -> Connector:
    cls = connector_class(source.connector, f"{review.path}: sources")
    api_key = next((os.environ[v] for v in cls.api_key_env if os.environ.get(v)), None)
    return cls(
        instance=source.name,
        settings=source.settings,
        base_url=source.base_url,
        api_key=api_key,
        contact=review.contact,
        max_records=source.max_records,
    )


def query_hash(params: dict[str, str] | Any) -> str:
    """Identity of a query as sent (paging and credentials aside), for its watermark."""
    return hashlib.sha256(json.dumps(sorted(dict(params).items())).encode()).hexdigest()[:16]


def harvest_source(
    store: Store,
    http: HttpClient,
    review: Review,
    source: SourceConfig,
    *,
    run_id: int,
    until: datetime,
    full: bool,
    observer: RunObserver,
    clock: Callable[[], datetime],
    should_stop: Callable[[], bool] | None = None,
) -> SourceResult:
    """Harvest one source; its outcome, whatever happened inside it, short of the store failing."""
    result = SourceResult(source.name, source.connector, group=source.group)
    requests_before = http.requests_sent
    started = time.monotonic()
    plan: SourcePlan | None = None

    def finish() -> None:
        result.requests = http.requests_sent - requests_before
        _finish(store, result, plan, run_id=run_id, until=until, finished=clock())

    try:
        plan = _plan(store, review, source, full=full)
        result.query_sent, result.since = public(plan.first).describe(), plan.since
        _start(store, plan, run_id=run_id, until=until, started=clock())
        observer.source_started(source.name, result.query_sent)
        SourceWalk(
            store,
            http,
            review,
            plan,
            result,
            run_id,
            until,
            clock,
            lambda: observer.page_done(source.name, result.records, result.total_hits),
            should_stop,
        ).run()
    except StoreError:
        result.status = "failed"  # and nothing more can be recorded
        raise
    except Exception as exc:
        result.status, result.error = _failure(exc, http, source, time.monotonic() - started)
    except BaseException:
        result.status = "interrupted"
        with contextlib.suppress(StoreError):
            finish()
        raise
    finish()
    return result


def _plan(store: Store, review: Review, source: SourceConfig, *, full: bool) -> SourcePlan:
    connector = build_connector(source, review)
    query = review.query_for(source)
    probe, _ = connector.first_request(query)
    qhash = query_hash({**probe.params, "@endpoint": probe.url})
    mark = None if full else bookkeeping.watermark(store, review.id, source.name, qhash)
    since = mark - timedelta(days=review.overlap_days) if mark else None
    first, translation = connector.first_request(query, since.date() if since else None)
    # Where the source could not run the strategy exactly, every record it returns is checked
    # against the strategy as written; an exact source already did that on its own (often
    # fuller) text, and checking again could only drop true matches.
    keep = None if translation.exact or not source.local_filter else local_filter(query)
    minutes = source.max_minutes or DEFAULT_MAX_MINUTES
    return SourcePlan(source, connector, query, first, translation, qhash, since, keep, minutes)


def _start(
    store: Store, plan: SourcePlan, *, run_id: int, until: datetime, started: datetime
) -> None:
    translation = plan.translation
    bookkeeping.start_source(
        store,
        run_id=run_id,
        source=plan.name,
        connector=plan.source.connector,
        query_sent=public(plan.first).describe(),
        notes=translation.notes,
        exact=translation.exact,
        window_from=plan.since,
        window_until=until,
        started=started,
        explanation=plan_source(
            plan.connector, plan.query, local_filter=plan.source.local_filter
        ).text,
    )


def _finish(
    store: Store,
    result: SourceResult,
    plan: SourcePlan | None,
    *,
    run_id: int,
    until: datetime,
    finished: datetime,
) -> None:
    """The source's row in the run's bookkeeping, whatever happened inside the source."""
    if plan is None:  # the source failed before its first request was known
        bookkeeping.start_source(
            store,
            run_id=run_id,
            source=result.source,
            connector=result.connector,
            query_sent="",
            notes=(),
            exact=None,
            window_from=None,
            window_until=until,
            started=finished,
        )
    bookkeeping.finish_source(
        store,
        run_id,
        result.source,
        status=result.status,
        error=result.error,
        requests=result.requests,
        finished=finished,
    )


def _failure(
    exc: Exception, http: HttpClient, source: SourceConfig, elapsed: float
) -> tuple[str, str]:
    """(status, reason) of a source that failed with `exc`."""
    if isinstance(exc, DeadlineError):
        minutes = source.max_minutes or DEFAULT_MAX_MINUTES
        if elapsed >= minutes * 60:
            return "failed", (
                f"stopped at the source's deadline (max_minutes = {minutes:g}); "
                "the pages stored so far are kept and the next run asks again"
            )
        return "failed", exc.detail
    if isinstance(exc, ThrottledError):
        return "throttled", exc.detail
    if isinstance(exc, RetriableAPIError):
        status = "throttled" if exc.throttled else "failed"
        return status, f"{exc.detail} (gave up after {http.max_attempts} attempts)"
    if isinstance(exc, ConnectorError):
        return "failed", exc.detail
    return (
        "failed",
        f"internal error: {described(exc)} ({source.connector} connector or harvester)",
    )
