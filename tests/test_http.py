"""The HTTP seam against a real loopback server that injects faults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harvester.errors import FatalAPIError, RetriableAPIError
from harvester.http import HttpClient, Request, parse_retry_after, user_agent
from harvester.replay import ReplayServer
from tests.conftest import REPLAY


class Sleeps:
    """Records requested sleeps instead of sleeping, so retry tests run instantly."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(REPLAY / "faults") as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def client(sleeps: Sleeps, **kwargs: object) -> HttpClient:
    return HttpClient(contact="team@example.org", sleep=sleeps, **kwargs)  # type: ignore[arg-type]


def test_429_waits_for_retry_after_then_succeeds(server: ReplayServer, sleeps: Sleeps) -> None:
    with client(sleeps) as http:
        response = http.fetch(Request(f"{server.url}/throttled-then-ok"))
    assert response.status == 200
    assert len(server.received("/throttled-then-ok")) == 2
    assert max(sleeps.calls) == pytest.approx(1.0, abs=0.1)  # the server's Retry-After


def test_503_is_retried_with_backoff(server: ReplayServer, sleeps: Sleeps) -> None:
    with client(sleeps) as http:
        assert http.fetch(Request(f"{server.url}/unavailable-twice")).status == 200
    assert len(server.received("/unavailable-twice")) == 3
    assert len(sleeps.calls) == 2


def test_persistent_5xx_gives_up_after_max_attempts(server: ReplayServer, sleeps: Sleeps) -> None:
    with client(sleeps, max_attempts=3) as http, pytest.raises(RetriableAPIError) as caught:
        http.fetch(Request(f"{server.url}/always-unavailable"))
    assert caught.value.status == 503
    assert len(server.received("/always-unavailable")) == 3


def test_4xx_is_fatal_at_once(server: ReplayServer, sleeps: Sleeps) -> None:
    with client(sleeps) as http, pytest.raises(FatalAPIError, match="HTTP 400"):
        http.fetch(Request(f"{server.url}/bad-request"))
    assert len(server.received("/bad-request")) == 1


@pytest.mark.parametrize("path", ["/truncated-once", "/dropped-once"])
def test_broken_connections_are_retried(server: ReplayServer, sleeps: Sleeps, path: str) -> None:
    with client(sleeps) as http:
        response = http.fetch(Request(f"{server.url}{path}"))
    assert b"A page that arrived" in response.content
    assert len(server.received(path)) == 2


def test_a_connection_that_always_drops_fails_as_retriable(
    server: ReplayServer, sleeps: Sleeps
) -> None:
    with (
        client(sleeps, max_attempts=2) as http,
        pytest.raises(RetriableAPIError, match="connection failed"),
    ):
        http.fetch(Request(f"{server.url}/always-dropped"))


def test_slow_responses_time_out(server: ReplayServer, sleeps: Sleeps) -> None:
    with (
        client(sleeps, max_attempts=1, timeout=0.3) as http,
        pytest.raises(RetriableAPIError, match="timed out"),
    ):
        http.fetch(Request(f"{server.url}/slow"))


def test_user_agent_carries_the_contact(server: ReplayServer, sleeps: Sleeps) -> None:
    with client(sleeps) as http:
        http.fetch(Request(f"{server.url}/unavailable-twice"))
    agent = server.received("/unavailable-twice")[0]["user_agent"]
    assert "mailto:team@example.org" in agent
    assert agent == user_agent("team@example.org")


def test_rate_limit_spaces_requests_to_one_host(server: ReplayServer, sleeps: Sleeps) -> None:
    with client(sleeps) as http:
        for _ in range(3):
            http.fetch(Request(f"{server.url}/truncated-once"), rate_limit=5.0)
    # Three requests at 5/s: the 2nd and 3rd wait about 0.2 s each for their slot.
    assert sum(sleeps.calls) > 0.3


def test_retry_after_parsing() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None
    # As asked: the client decides what is too long to wait (tests/test_http_faults.py).
    assert parse_retry_after("99999") == 99999.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("nan") is None
