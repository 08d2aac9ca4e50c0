"""Endpoint health: OAI-PMH endpoints (a registry holds hundreds, some long dead) remember their
failures in a row in the store. An endpoint that failed `dead_after` runs in a row, over at least
`min_span` (three retries within an hour are no dead server), is asked again only once its
backoff has passed (doubling per further failure, up to MAX_BACKOFF); until then
the run records it as skipped, with why and when it is next asked. A success clears the count.
A permanent redirect (301, 308) is followed and reported: "moved to URL".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from harvester.http import HttpClient
from harvester.review import SourceConfig
from harvester.secrets import mask_optional
from harvester.store import Store
from harvester.store import runs as bookkeeping
from harvester.walk import SourceResult

# Only the sources whose endpoint is theirs alone; a shared API (Crossref) is never skipped.
TRACKED_CONNECTORS = frozenset({"oai_pmh"})


@dataclass(frozen=True)
class HealthRule:
    dead_after: int = 3  # failures in a row that make an endpoint dead...
    min_span: timedelta = timedelta(hours=20)  # ...from the first to the last of them
    first_backoff: timedelta = timedelta(days=1)
    max_backoff: timedelta = timedelta(days=30)

    def backoff(self, failures: int, span: timedelta) -> timedelta | None:
        """How long a dead endpoint rests after its last failure (None: not dead)."""
        if failures < self.dead_after or span < self.min_span:
            return None
        doubled: timedelta = self.first_backoff * 2 ** min(failures - self.dead_after, 16)
        return min(doubled, self.max_backoff)


DEFAULT_RULE = HealthRule()


@dataclass(frozen=True)
class EndpointHealth:
    endpoint: str
    failures_in_a_row: int
    failing_since: datetime | None
    last_failure: datetime | None
    last_success: datetime | None
    last_error: str | None
    moved_to: str | None


def health(store: Store, endpoint: str) -> EndpointHealth | None:
    row = store.rows(
        """SELECT endpoint, failures_in_a_row, failing_since, last_failure, last_success,
                  last_error, moved_to
           FROM endpoint_health WHERE endpoint = ?""",
        [endpoint],
    )
    return EndpointHealth(*row[0]) if row else None


def skip_reason(
    store: Store, endpoint: str, now: datetime, rule: HealthRule = DEFAULT_RULE
) -> str | None:
    """Why a dead endpoint is not asked in this run, or None when it is asked."""
    known = health(store, endpoint)
    if known is None or known.last_failure is None or known.failing_since is None:
        return None
    rest = rule.backoff(known.failures_in_a_row, known.last_failure - known.failing_since)
    if rest is None or now >= known.last_failure + rest:
        return None
    return (
        f"skipped: the endpoint failed {known.failures_in_a_row} runs in a row "
        f"(last: {known.last_error or 'unknown error'}); "
        f"next asked after {known.last_failure + rest:%Y-%m-%d %H:%M} UTC"
    )


def record(
    store: Store, endpoint: str, *, ok: bool, error: str | None, moved_to: str | None, now: datetime
) -> None:
    """A run's outcome for `endpoint`: a success clears its failures, a failure adds one."""
    store.execute(
        """INSERT INTO endpoint_health AS h (endpoint, failures_in_a_row, failing_since,
                   last_failure, last_success, last_error, moved_to, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (endpoint) DO UPDATE SET
             failures_in_a_row = CASE WHEN ? THEN 0 ELSE h.failures_in_a_row + 1 END,
             failing_since = CASE WHEN ? THEN NULL
                                  ELSE coalesce(h.failing_since, excluded.failing_since) END,
             last_failure = coalesce(excluded.last_failure, h.last_failure),
             last_success = coalesce(excluded.last_success, h.last_success),
             last_error = coalesce(excluded.last_error, h.last_error),
             moved_to = excluded.moved_to,
             updated_at = excluded.updated_at""",
        [
            endpoint,
            0 if ok else 1,
            None if ok else now,
            None if ok else now,
            now if ok else None,
            None if ok else mask_optional(error),
            moved_to,
            now,
            ok,
            ok,
        ],
    )


def guarded(
    store: Store,
    http: HttpClient,
    source: SourceConfig,
    harvest: Callable[[], SourceResult],
    *,
    run_id: int,
    until: datetime,
    now: Callable[[], datetime],
) -> SourceResult:
    """Harvest `source` unless its endpoint is dead and resting; record how it went."""
    endpoint = source.base_url
    if source.connector not in TRACKED_CONNECTORS or not endpoint:
        return harvest()
    reason = skip_reason(store, endpoint, now())
    if reason is not None:
        return _skipped(store, source, reason, run_id=run_id, until=until, now=now())
    result = harvest()
    moved = http.moved(endpoint)
    if moved:
        result.notes.append(f"moved to {moved} (a permanent redirect; update its address)")
    if result.status in ("ok", "capped", "failed"):
        ok = result.status != "failed"
        record(store, endpoint, ok=ok, error=result.error, moved_to=moved, now=now())
    return result


def _skipped(
    store: Store, source: SourceConfig, reason: str, *, run_id: int, until: datetime, now: datetime
) -> SourceResult:
    bookkeeping.start_source(
        store,
        run_id=run_id,
        source=source.name,
        connector=source.connector,
        query_sent="",
        notes=(),
        exact=None,
        window_from=None,
        window_until=until,
        started=now,
    )
    bookkeeping.finish_source(
        store, run_id, source.name, status="skipped", error=reason, requests=0, finished=now
    )
    return SourceResult(
        source.name, source.connector, status="skipped", error=reason, group=source.group
    )
