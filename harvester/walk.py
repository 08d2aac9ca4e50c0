"""One source's walk through its pages in one run.

Each page is written in one transaction together with the watermark it moves, so a run killed
at any point resumes from its last commit, and records are upserted by (source, source_id) so
re-fetching is harmless. The watermark reaches the run's start only when the whole window is in:
it never passes records that were not stored.

A walk ends early, with an error the runner records for the source, when the source goes in
circles (NO_PROGRESS_PAGES), runs past its deadline, sends a page none of whose records maps,
or says it holds records and sends none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from harvester.connector import Connector
from harvester.errors import DeadlineError, ProtocolError, UnexpectedResponseError
from harvester.gc_pause import GcHold
from harvester.http import HttpClient, Request, Response
from harvester.json_records import JsonRecords
from harvester.page_records import Judge, Received, map_received, page_watermark, receive
from harvester.pagination import Page
from harvester.query import Query, Translation
from harvester.query.local_filter import filter_key
from harvester.review import Review, SourceConfig
from harvester.store import Store
from harvester.store import runs as bookkeeping
from harvester.store.known import (
    Stored,
    holds_records,
    stored_by_payload,
    stored_payloads,
    stored_records,
)
from harvester.store.records import PageCounts, write_page
from harvester.work import Work

# A source whose last pages brought no record it had not already sent in this run is going in
# circles (a new cursor on every page, the same records): it fails instead of asking forever.
NO_PROGRESS_PAGES = 10


class RunStopped(BaseException):
    """The service is shutting down: the run stops after its last committed page.

    A BaseException, like KeyboardInterrupt, so no connector's `except Exception` swallows it.
    """


@dataclass
class SourceResult:
    source: str
    connector: str
    status: str = "running"
    requests: int = 0
    records: int = 0  # as received, a record repeated on a page counted each time
    new: int = 0
    changed: int = 0
    unchanged: int = 0  # already in the store exactly as received
    skipped: int = 0  # could not be mapped to a work: kept raw, not in the review's set
    mapping_errors: int = 0  # of `skipped`: the connector's mapping raised on them
    filtered_out: int = 0  # stored, but rejected by the local filter
    total_hits: int | None = None
    error: str | None = None
    query_sent: str = ""
    since: datetime | None = None
    # File sources: a line per file imported, and one per file that could not be (by name).
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    group: str | None = None  # the [[source_groups]] the source is a member of

    def add(self, counts: PageCounts, mapping_errors: int) -> None:
        """Count a stored page."""
        self.records += counts.received
        self.new += counts.new
        self.changed += counts.changed
        self.unchanged += counts.unchanged
        self.skipped += counts.skipped
        self.mapping_errors += mapping_errors
        self.filtered_out += counts.filtered_out


@dataclass(frozen=True)
class SourcePlan:
    """What one source is asked in this run, decided before its first request."""

    source: SourceConfig
    connector: Connector
    query: Query
    first: Request
    translation: Translation
    query_hash: str
    since: datetime | None
    keep: Callable[[Work], bool] | None  # the local filter, where the source only approximates
    max_minutes: float

    @property
    def name(self) -> str:
        return self.source.name


@dataclass
class SourceWalk:
    """One source's walk through its pages in one run: each page mapped, kept or not, stored
    with the watermark it moves and counted; the window closed when the last page is in."""

    store: Store
    http: HttpClient
    review: Review
    plan: SourcePlan
    result: SourceResult
    run_id: int
    until: datetime
    clock: Callable[[], datetime]
    page_done: Callable[[], None]
    # Asked before every request: once it says yes, the walk raises RunStopped.
    should_stop: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.plan.max_minutes * 60
        self.requests_before = self.http.requests_sent
        # The local filter, its key stored with each verdict it gives (None: no filter).
        keep = self.plan.keep
        self.judge = None if keep is None else Judge(keep, filter_key(self.plan.query))
        # Holds the garbage collector off from a page's parsing until the next request, when
        # the page is gone (harvester/gc_pause.py): never while waiting for an answer.
        self.gc_hold = GcHold()
        # The ids received in this run, while the source held no record before it (else None).
        with self.store.transaction() as con:
            fresh = not holds_records(con, self.plan.name)
        self.received_ids: set[str] | None = set() if fresh else None

    def run(self) -> None:
        """Every page of the source's window, each stored as it comes; the status at the end."""
        try:
            received = self.walk()
        finally:
            self.gc_hold.release()
        if self.result.status == "capped":
            return
        check_not_empty(received, self.result.total_hits)
        self.close_window()
        self.result.status = "ok"

    def walk(self) -> int:
        """The pages, until the last, the cap, or a bound of the walk (raised); how many
        records the source sent."""
        plan, connector = self.plan, self.plan.connector
        received, idle, number = 0, 0, 0
        # Not enumerate(): it keeps its last item (and so the page) until the next is fetched.
        for _, page in connector.pages(self.fetch, plan.first):
            number += 1  # noqa: SIM113 (see above)
            received += len(page.records)
            counts = self.store_page(page, number)
            del page  # gone before the next request, and the collector back on
            self.page_done()
            if (
                plan.source.max_records is not None
                and self.result.records >= plan.source.max_records
            ):
                self.result.status = "capped"
                return received
            idle = 0 if counts.unique > counts.repeated else idle + 1
            if idle >= NO_PROGRESS_PAGES:
                raise ProtocolError(
                    f"no progress: {idle} pages in a row brought no record not already "
                    "received in this run (the server keeps handing out new page tokens)"
                )
            if time.monotonic() >= self.deadline:
                raise DeadlineError("the source's deadline passed between pages")
        return received

    def fetch(self, request: Request) -> Page:
        if self.should_stop is not None and self.should_stop():
            raise RunStopped()
        connector = self.plan.connector
        self.gc_hold.release()  # the last page is gone: the collector may run while we wait
        response = self.http.fetch(
            request,
            check=self.check,
            rate_limit=self.plan.source.rate_limit or connector.polite_rate(),
            headers=connector.headers(),
            deadline=self.deadline,
        )
        return connector.parse_page(response.content)

    def check(self, response: Response) -> None:
        """The connector's check of a response (which parses it): from here until the next
        request, the collector is held off (not while a refused one waits to be asked again)."""
        self.gc_hold.hold()
        try:
            self.plan.connector.check(response)
        except BaseException:
            self.gc_hold.release()
            raise

    def capped(self, records: list[Received]) -> list[Received]:
        """The records of a page this run keeps: up to max_records."""
        cap = self.plan.source.max_records
        return records if cap is None else records[: max(0, cap - self.result.records)]

    def stored(self, source_ids: list[str]) -> dict[str, Stored]:
        """What the store holds of a page's records. A source that held none before this run
        holds only what the run received, so only the ids it received already are looked up:
        the lookup scans the source's records, which a first harvest would do on every page."""
        asked = source_ids
        if self.received_ids is not None:
            asked = [i for i in source_ids if i in self.received_ids]
            self.received_ids.update(source_ids)
        if not asked:
            return {}
        with self.store.transaction() as con:
            return stored_records(con, self.plan.name, self.review.id, asked)

    def by_payload(self, raws: Sequence[Any]) -> dict[str, tuple[str, Stored]]:
        """The stored records a JSON page's records are, by the hash of the text each was
        sent as: those are known without being parsed. (A source that held no record before
        this run holds none sent before it either.)"""
        if not isinstance(raws, JsonRecords) or self.received_ids is not None:
            return {}
        with self.store.transaction() as con:
            return stored_by_payload(con, self.plan.name, self.review.id, raws.digests())

    def stored_texts(self, source_ids: list[str]) -> dict[str, str]:
        with self.store.transaction() as con:
            return stored_payloads(con, self.plan.name, source_ids)

    def store_page(self, page: Page, number: int) -> PageCounts:
        """The page, its counts and the watermark it moves, in one transaction: what the store
        holds of its records is read first, and only the records it lacks or holds otherwise
        are mapped and written."""
        plan, result = self.plan, self.result
        if page.total is not None:
            result.total_hits = page.total
        # Looked up, then mapped outside the store's lock (other sources' pages go in
        # meanwhile), then written: only this walk writes this source's records.
        sent_before = self.by_payload(page.records)
        received = self.capped(
            receive(plan.connector, page.records, {s: i for s, (i, _) in sent_before.items()})
        )
        known = dict(sent_before.values())
        known.update(self.stored([r.source_id for r in received if not r.by_payload]))
        records = map_received(
            plan.connector,
            received,
            known,
            number,
            judge=self.judge,
            stored_texts=self.stored_texts,
        )
        with self.store.transaction() as con:
            counts = write_page(
                con,
                run_id=self.run_id,
                review_id=self.review.id,
                source=plan.name,
                connector=plan.source.connector,
                records=records,
                now=self.clock(),
                known=known,
            )
            result.requests = self.http.requests_sent - self.requests_before
            errors = sum(1 for r in records if r.mapping_error)
            bookkeeping.count_page(
                con,
                self.run_id,
                plan.name,
                requests=result.requests,
                records=counts.received,
                new=counts.new,
                changed=counts.changed,
                skipped=counts.skipped,
                total_hits=page.total,
                filtered_out=counts.filtered_out,
                mapping_errors=errors,
            )
            moved = page_watermark(plan.connector, records, self.until)
            if moved is not None:
                self.move_watermark(con, moved)
        result.add(counts, errors)
        return counts

    def close_window(self) -> None:
        """The whole window is in: everything up to the run's start is known, and the source
        is done. Both in one transaction: a kill between them would leave a closed window on a
        source still marked running."""
        with self.store.transaction() as con:
            self.move_watermark(con, self.until)
            bookkeeping.mark_source_read(con, self.run_id, self.plan.name)

    def move_watermark(self, con: duckdb.DuckDBPyConnection, to: datetime) -> None:
        plan = self.plan
        bookkeeping.move_watermark(
            con, self.review.id, plan.name, plan.query_hash, to, self.run_id, self.clock()
        )


def check_not_empty(received: int, total: int | None) -> None:
    """No record at all from a source that says it has some is no empty result.

    (A walk ending part-way is shown as "60 of 454" in the summary and the search log: totals
    are estimates at some sources, so only a walk with nothing in it fails.)
    """
    if received == 0 and total:
        raise UnexpectedResponseError(f"the source reports {total:,} records but sent none")
