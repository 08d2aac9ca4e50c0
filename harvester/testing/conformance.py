"""The connector conformance suite, shipped with harvester as a pytest plugin.

Every connector, built in or third party, proves the same contract with a test file of a few
lines::

    from harvester.testing import ConnectorConformance

    class TestCrossref(ConnectorConformance):
        connector = Crossref
        fixtures = Path(__file__).parent / "fixtures" / "api" / "crossref"
        chain = ["page1.json", "page2.json", "last-page.json"]   # one complete walk, in order
        empty = "no-results.json"                                # a result with no records
        errors = {"error-400.json": (400, FatalAPIError)}        # body -> (status, error)

The suite then checks that the connector paginates a recorded walk to its end, stops on an empty
page, refuses a repeated page token, maps every record to a valid Work whose raw payload
round-trips, maps error bodies to the right error, and, through the real runner, HTTP stack and a
DuckDB file, harvests the chain and never moves its watermark back on the next run, and fails a
source answering in an unexpected shape (`{}`, `null`, a list, HTML, its first page emptied
while it still reports a total) instead of taking it for "0 records", its watermark unchanged.
A connector adds its own such bodies in `unexpected` (file names in `fixtures`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

import pytest

from harvester.connector import Connector, JsonConnector, dig
from harvester.errors import ConnectorError, ProtocolError
from harvester.http import HttpClient, Request, Response
from harvester.normalize import normalize_doi
from harvester.pagination import CursorPaginator, NextLinkPaginator, Page, TokenPaginator
from harvester.query import Query
from harvester.replay import ReplayServer, Route
from harvester.review import Review, SourceConfig
from harvester.runner import run_review
from harvester.store import open_store
from harvester.work import Work

_FAMILY_GIVEN = re.compile(r"^[^,]+(, .+)?$")


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


class ChainExhausted(AssertionError):
    """The connector asked for more pages than the recorded walk has."""


class RecordedFetch:
    """A `Fetch` that answers from recorded bodies in order and remembers what was asked."""

    def __init__(
        self, connector: Connector, bodies: Sequence[bytes], *, totals: bool = True
    ) -> None:
        self.connector = connector
        self.bodies = list(bodies)
        self.totals = totals
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Page:
        if len(self.requests) >= len(self.bodies):
            raise ChainExhausted(
                f"asked for page {len(self.requests) + 1} of a {len(self.bodies)}-page recording: "
                f"{request.describe()[:200]}"
            )
        body = self.bodies[len(self.requests)]
        self.requests.append(request)
        self.connector.check(Response(200, body, {}, request.url))
        page = self.connector.parse_page(body)
        # Without totals a walk can only end on the page itself (token, emptiness).
        return page if self.totals else Page(page.records, page.next_token, None)


class ConnectorConformance:
    """Subclass as `TestSomething` and fill in the declarations below."""

    connector: ClassVar[type[Connector]]
    fixtures: ClassVar[Path]
    chain: ClassVar[Sequence[str]]
    empty: ClassVar[str]
    errors: ClassVar[Mapping[str, tuple[int, type[Exception]]]] = {}
    settings: ClassVar[Mapping[str, Any]] = {}
    query: ClassVar[str] = "test"
    unexpected: ClassVar[Sequence[str]] = ()

    # ---- helpers ---------------------------------------------------------------------

    def make(self) -> Connector:
        return self.connector(settings=self.settings)

    def body(self, name: str) -> bytes:
        return (self.fixtures / name).read_bytes()

    def walk(
        self, names: Sequence[str], *, totals: bool = True
    ) -> tuple[RecordedFetch, list[Page]]:
        connector = self.make()
        fetch = RecordedFetch(connector, [self.body(n) for n in names], totals=totals)
        first, _ = connector.first_request(Query(self.query))
        pages = [page for _, page in connector.pages(fetch, first)]
        return fetch, pages

    def unexpected_bodies(self) -> dict[str, bytes]:
        """Answers no connector may take for an empty result, by what they are."""
        bodies = {
            "an empty object": b"{}",
            "null": b"null",
            "a list": b"[]",
            "a list where the page belongs": b'[{"id": "x"}]',
            "a string": b'"ok"',
            "an HTML page": b"<!DOCTYPE html><html><body><p>Service moved</p></body></html>",
        }
        emptied = self.emptied_first_page()
        if emptied is not None:
            bodies["its first page emptied, the total kept"] = emptied
        bodies.update({name: self.body(name) for name in self.unexpected})
        return bodies

    def emptied_first_page(self) -> bytes | None:
        """The first recorded page with its records removed, if it is JSON reporting a total."""
        cls = self.connector
        if not issubclass(cls, JsonConnector) or not cls.records_at or not cls.total_at:
            return None
        data = json.loads(self.body(self.chain[0]))
        total = dig(data, cls.total_at)
        holder = dig(data, cls.records_at[:-1]) if len(cls.records_at) > 1 else data
        if not total or not isinstance(holder, dict):
            return None
        holder[cls.records_at[-1]] = []
        return json.dumps(data).encode()

    def raw_records(self) -> Iterator[Any]:
        connector = self.make()
        for name in self.chain:
            yield from connector.parse_page(self.body(name)).records

    # ---- the contract ----------------------------------------------------------------

    def test_declaration(self) -> None:
        cls = self.connector
        assert re.match(r"^[a-z][a-z0-9_]*$", cls.name), "name: lower-case letters and digits"
        assert cls.title, "title: the source's name for people"
        assert cls.base_url.startswith("https://"), "base_url must use https"
        assert cls.rate_limit > 0, "rate_limit: a polite number of requests per second"
        assert self.chain, "chain: at least one recorded page"

    def test_paginates_a_recorded_walk_to_its_end(self) -> None:
        fetch, pages = self.walk(self.chain)
        assert len(fetch.requests) == len(self.chain), "stopped before the recorded walk ended"
        assert sum(len(p.records) for p in pages) == len(list(self.raw_records()))
        assert sum(len(p.records) for p in pages) > 0, "the chain should hold records"

    def test_stops_on_an_empty_page(self) -> None:
        fetch, pages = self.walk([self.chain[0], self.empty])
        assert len(fetch.requests) <= 2
        if len(fetch.requests) == 2:
            assert not pages[-1].records

    def test_an_empty_result_is_not_an_error(self) -> None:
        connector = self.make()
        assert connector.parse(self.body(self.empty)) == []

    def test_refuses_a_repeated_token(self) -> None:
        paginator = self.connector.paginator
        repeats = isinstance(paginator, CursorPaginator) and paginator.token_repeats
        if repeats or not isinstance(
            paginator, CursorPaginator | TokenPaginator | NextLinkPaginator
        ):
            pytest.skip(f"{type(paginator).__name__} has no page token that could loop")
        first = self.make().parse_page(self.body(self.chain[0]))
        if not first.next_token:
            pytest.skip("the first recorded page carries no token")
        names = [self.chain[0]] * 3
        if getattr(paginator, "echo_means_end", False):
            # An echoed token ends the walk by design; one coming back later is a loop.
            names = [self.chain[0], self.chain[1], self.chain[0]]
        with pytest.raises(ProtocolError, match="same page token twice"):
            self.walk(names, totals=False)

    def test_every_record_maps_to_a_valid_work(self) -> None:
        connector = self.make()
        seen = 0
        for raw in self.raw_records():
            work = connector.to_work(raw)
            seen += 1
            assert isinstance(work, Work)
            assert work.source == connector.instance
            assert work.source_id and work.source_id == connector.source_id(raw)
            if work.doi is not None:
                assert normalize_doi(work.doi) == work.doi, f"DOI not normalized: {work.doi}"
            assert work.year is None or 1500 <= work.year <= 2100
            assert all(_FAMILY_GIVEN.match(a) for a in work.authors), work.authors
            assert work.title is None or (work.title == work.title.strip() and work.title)
            assert all(isinstance(v, str) and v for v in work.ids.values())
        assert seen > 0

    def test_raw_payload_round_trips(self) -> None:
        connector = self.make()
        for raw in self.raw_records():
            again = connector.load_payload(connector.payload(raw))
            assert connector.to_work(again) == connector.to_work(raw)
            # What earlier versions stored for the record reads back as the same record too.
            former = connector.former_payload(raw)
            if former is not None:
                assert connector.to_work(connector.load_payload(former)) == connector.to_work(raw)

    def test_error_bodies_map_to_the_right_error(self) -> None:
        if not self.errors:
            pytest.skip("no recorded error bodies")
        connector = self.make()
        for name, (status, error) in self.errors.items():
            body = self.body(name)
            with pytest.raises(error):
                connector.check(Response(status, body, {}, connector.endpoint))
            with pytest.raises(ConnectorError):
                connector.parse(body)

    def review(self, url: str) -> Review:
        """A one-source review of this connector, its source at `url`."""
        source = SourceConfig(
            self.connector.name,
            self.connector.name,
            base_url=url,
            rate_limit=1000.0,
            settings=self.settings,
        )
        return Review(
            id="conformance",
            title="conformance",
            query=Query(self.query),
            sources=(source,),
            path=Path("conformance.toml"),
            contact="conformance@example.org",
        )

    def test_an_unexpected_response_fails_the_source_never_zero(self, tmp_path: Path) -> None:
        routes = [Route(path="*", method="*", file=self.fixtures / n) for n in self.chain]
        first_run, later = datetime(2026, 1, 10, 12), datetime(2026, 2, 10, 12)
        with (
            open_store(tmp_path / "conformance.duckdb") as store,
            ReplayServer(routes=routes) as server,
        ):
            review = self.review(server.url)
            with HttpClient(max_attempts=1, sleep=lambda s: None) as http:
                (source,) = run_review(review, store, http=http, clock=_fixed(first_run)).sources
            assert source.status == "ok", source.error
            mark = store.value("SELECT max(watermark) FROM harvest_state")
            stored = store.value("SELECT count(*) FROM raw_records")
            for what, body in self.unexpected_bodies().items():
                answer = tmp_path / "answer"
                answer.write_bytes(body)
                server.routes[:] = [Route(path="*", method="*", file=answer)]
                server.reset()
                with HttpClient(max_attempts=1, sleep=lambda s: None) as http:
                    result = run_review(review, store, http=http, clock=_fixed(later))
                (source,) = result.sources
                assert source.status == "failed", f"{what}: {source.status}, {source.records}"
                assert source.error, what
                assert result.status == "failed" and result.snapshot is None, what
                assert store.value("SELECT max(watermark) FROM harvest_state") == mark, what
                assert store.value("SELECT count(*) FROM raw_records") == stored, what

    def test_watermark_never_goes_back(self, tmp_path: Path) -> None:
        routes = [Route(path="*", method="*", file=self.fixtures / n) for n in self.chain]
        review_at = [datetime(2026, 1, 10, 12), datetime(2026, 2, 10, 12)]
        marks: list[datetime] = []
        firsts: list[Mapping[str, Any]] = []
        with (
            open_store(tmp_path / "conformance.duckdb") as store,
            ReplayServer(routes=routes) as server,
        ):
            review = self.review(server.url)
            for moment in review_at:
                server.reset()
                asked = len(server.received())
                with HttpClient(max_attempts=1, sleep=lambda s: None) as http:
                    result = run_review(review, store, http=http, clock=_fixed(moment))
                firsts.append(server.received()[asked])
                (source,) = result.sources
                assert source.status == "ok", source.error
                marks.append(store.value("SELECT max(watermark) FROM harvest_state"))
            stored = store.value("SELECT count(*) FROM raw_records")
        unique = {self.make().source_id(raw) for raw in self.raw_records()}
        assert stored == len(unique)
        assert marks[0] <= review_at[0]
        assert marks[1] >= marks[0], "the watermark moved back"
        since = self.make().since_params((marks[0] - timedelta(days=2)).date())
        for key, value in since.items():
            # A filter travels as a parameter, or in the path where the API takes its query there.
            sent = f"{firsts[1]['params'].get(key, '')} {unquote(firsts[1]['path'])}"
            assert value in sent, f"second run did not ask since: {key}"
        if not since:
            assert self.make().since_params(date(2026, 1, 1)) == {}
