"""Running a review: harvest each source, deduplicate, publish a snapshot.

Per source, each page is written in one transaction together with the watermark it moves, so a
run killed at any point resumes from its last commit, and records are upserted by
(source, source_id) so re-fetching is harmless. A source that fails or is throttled is
recorded as such, never as "0 results"; the other sources go on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from harvester.connector import Connector
from harvester.dedup import update_clusters
from harvester.errors import ConnectorError, RetriableAPIError, SkippableRecordError
from harvester.explain import plan_source, public
from harvester.http import HttpClient, Request
from harvester.pagination import Page
from harvester.query.local_filter import local_filter
from harvester.registry import connector_class
from harvester.review import Review, SourceConfig
from harvester.snapshot import SnapshotSummary, create_snapshot
from harvester.store import Store
from harvester.store import runs as bookkeeping
from harvester.store.records import RawRecord, write_page
from harvester.work import Work


class RunStopped(BaseException):
    """The service is shutting down: the run stops after its last committed page.

    A BaseException, like KeyboardInterrupt, so no connector's `except Exception` swallows it.
    """


class RunObserver(Protocol):
    """What a front end (the CLI's progress display) hears about a run."""

    def source_started(self, source: str, request: str) -> None: ...

    def page_done(self, source: str, records: int, total: int | None) -> None: ...

    def source_done(self, result: SourceResult) -> None: ...


class _Silent:
    def source_started(self, source: str, request: str) -> None:
        pass

    def page_done(self, source: str, records: int, total: int | None) -> None:
        pass

    def source_done(self, result: SourceResult) -> None:
        pass


@dataclass
class SourceResult:
    source: str
    connector: str
    status: str = "running"
    requests: int = 0
    records: int = 0
    new: int = 0
    changed: int = 0
    skipped: int = 0
    filtered_out: int = 0  # stored, but rejected by the local filter
    total_hits: int | None = None
    error: str | None = None
    query_sent: str = ""
    since: datetime | None = None
    # File sources: a line per file imported, and one per file that could not be (by name).
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        """Records already in the store exactly as received."""
        return self.records - self.skipped - self.new - self.changed


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


def build_connector(source: SourceConfig, review: Review) -> Connector:
    cls = connector_class(source.connector, f"{review.path}: sources")
    api_key = next((os.environ[v] for v in cls.api_key_env if os.environ.get(v)), None)
    return cls(
        instance=source.name,
        settings=source.settings,
        base_url=source.base_url,
        api_key=api_key,
        contact=review.contact,
    )


def query_hash(params: dict[str, str] | Any) -> str:
    """Identity of a query as sent (paging and credentials aside), for its watermark."""
    return hashlib.sha256(json.dumps(sorted(dict(params).items())).encode()).hexdigest()[:16]


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
    observer = observer or _Silent()
    started = clock()
    bookkeeping.mark_abandoned_runs(store)
    bookkeeping.register_review(store, review.id, review.title, str(review.path))
    run_id = bookkeeping.start_run(store, review.id, started, full)
    result = RunResult(run_id, review.id, "running")
    own_http = http is None
    client = http or HttpClient(contact=review.contact)
    try:
        for source in selected:
            if source.files is not None:
                # Imported here: the file harvest uses this module's result types.
                from harvester.filesources.harvest import harvest_files

                outcome = harvest_files(
                    store, review, source, run_id=run_id, observer=observer, clock=clock
                )
            else:
                outcome = harvest_source(
                    store,
                    client,
                    review,
                    source,
                    run_id=run_id,
                    until=started,
                    full=full,
                    observer=observer,
                    clock=clock,
                    should_stop=should_stop,
                )
            result.sources.append(outcome)
            observer.source_done(outcome)
        update_clusters(store, run_id=run_id, now=clock())
        failed = [s.source for s in result.sources if s.status not in ("ok", "capped")]
        # A file source that imported some of its files ("partial") has records to publish.
        if all(s.status not in ("ok", "capped", "partial") for s in result.sources):
            # Nothing was harvested: a snapshot would claim the review found nothing.
            result.status = "failed"
        else:
            result.status = "partial" if failed else "ok"
            result.snapshot = create_snapshot(
                store, review, run_id=run_id, now=clock(), failed_sources=failed
            )
    except BaseException:
        result.status = "interrupted"
        raise
    finally:
        bookkeeping.finish_run(store, run_id, result.status, clock())
        if own_http:
            client.close()
    return result


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
    clock: Callable[[], datetime] = now_utc,
    should_stop: Callable[[], bool] | None = None,
) -> SourceResult:
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
    result = SourceResult(source.name, source.connector, query_sent=_public(first), since=since)
    bookkeeping.start_source(
        store,
        run_id=run_id,
        source=source.name,
        connector=source.connector,
        query_sent=result.query_sent,
        notes=translation.notes,
        exact=translation.exact,
        window_from=since,
        window_until=until,
        started=clock(),
        explanation=plan_source(connector, query, local_filter=source.local_filter).text,
    )
    observer.source_started(source.name, result.query_sent)
    requests_before = http.requests_sent
    rate = source.rate_limit or connector.polite_rate()

    def fetch(request: Request) -> Page:
        if should_stop is not None and should_stop():
            raise RunStopped()
        response = http.fetch(
            request, check=connector.check, rate_limit=rate, headers=connector.headers()
        )
        return connector.parse_page(response.content)

    try:
        for _, page in connector.pages(fetch, first):
            records = [_map(connector, raw) for raw in page.records]
            if source.max_records is not None:
                records = records[: max(0, source.max_records - result.records)]
            if keep is not None:
                records = [_judged(r, keep) for r in records]
            moved = _page_watermark(connector, records, until)
            with store.transaction() as con:
                counts = write_page(
                    con,
                    run_id=run_id,
                    review_id=review.id,
                    source=source.name,
                    connector=source.connector,
                    records=records,
                    now=clock(),
                )
                result.requests = http.requests_sent - requests_before
                bookkeeping.count_page(
                    con,
                    run_id,
                    source.name,
                    requests=result.requests,
                    records=counts.received,
                    new=counts.new,
                    changed=counts.changed,
                    skipped=counts.skipped,
                    total_hits=page.total,
                    filtered_out=counts.filtered_out,
                )
                if moved is not None:
                    bookkeeping.move_watermark(
                        con, review.id, source.name, qhash, moved, run_id, clock()
                    )
            result.records += counts.received
            result.new += counts.new
            result.changed += counts.changed
            result.skipped += counts.skipped
            result.filtered_out += counts.filtered_out
            result.total_hits = page.total if page.total is not None else result.total_hits
            observer.page_done(source.name, result.records, result.total_hits)
            if source.max_records is not None and result.records >= source.max_records:
                result.status = "capped"
                break
        else:
            # The whole window is in: everything up to the run's start is known.
            with store.transaction() as con:
                bookkeeping.move_watermark(
                    con, review.id, source.name, qhash, until, run_id, clock()
                )
            result.status = "ok"
    except RetriableAPIError as exc:
        result.status = "throttled" if exc.throttled else "failed"
        result.error = f"{exc.detail} (gave up after {http.max_attempts} attempts)"
    except ConnectorError as exc:
        result.status = "failed"
        result.error = exc.detail
    except BaseException:
        result.status = "interrupted"
        raise
    finally:
        result.requests = http.requests_sent - requests_before
        bookkeeping.finish_source(
            store,
            run_id,
            source.name,
            status=result.status,
            error=result.error,
            requests=result.requests,
            finished=clock(),
        )
    return result


def _public(request: Request) -> str:
    """The request for the search log, with any API key masked."""
    return public(request).describe()


def _judged(record: RawRecord, keep: Callable[[Work], bool]) -> RawRecord:
    if record.work is None or keep(record.work):
        return record
    return replace(record, matched=False)


def _map(connector: Connector, raw: Any) -> RawRecord:
    """Map one record; a record that cannot be mapped is kept raw and counted, not fatal."""
    try:
        source_id = connector.source_id(raw)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        payload = connector.payload(raw)
        digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
        return RawRecord(f"unidentified:{digest}", payload, None, f"no record id: {exc}")
    try:
        work: Work | None = connector.to_work(raw)
        error = None
    except (SkippableRecordError, KeyError, ValueError, TypeError, AttributeError) as exc:
        work, error = None, f"{type(exc).__name__}: {exc}"
    return RawRecord(source_id, connector.payload(raw), work, error)


def _page_watermark(
    connector: Connector, records: Sequence[RawRecord], until: datetime
) -> datetime | None:
    """How far a page moves the watermark: only for sources sorted by update date."""
    if not connector.ordered_by_update or not records:
        return None
    stamps = [w.updated for r in records if (w := r.work) is not None and w.updated]
    if not stamps:
        return None
    try:
        latest = max(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps)
    except ValueError:
        return None
    latest = latest.astimezone(UTC).replace(tzinfo=None) if latest.tzinfo else latest
    return min(latest, until)
