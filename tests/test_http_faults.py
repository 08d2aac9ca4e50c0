"""The HTTP seam's bounds, each fault injected by a real loopback server (harvester/replay.py):
redirects (loops, credentials on another origin), a body trickling in, a body too large or
inflating too far, and a Retry-After longer than harvester waits."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.errors import DeadlineError, ProtocolError, ResponseTooLargeError, ThrottledError
from harvester.http import MAX_REDIRECTS, HttpClient, Request
from harvester.replay import ReplayServer, Route
from tests.conftest import REPLAY

OK = REPLAY / "faults" / "ok.json"
CREDENTIALS = {"x-api-key": "secret-key", "Authorization": "Bearer secret", "Cookie": "s=secret"}


def no_sleep(seconds: float) -> None:
    pass


@pytest.fixture
def other() -> Iterator[ReplayServer]:
    """A second server: another origin (same host, another port)."""
    routes = [Route("/landing", OK), Route("/hop", OK, redirect="/landing")]
    with ReplayServer(routes=routes) as running:
        yield running


def sent_headers(server: ReplayServer, path: str) -> set[str]:
    (request,) = server.received(path)
    return set(request["headers"])


def test_credentials_are_not_sent_on_a_redirect_to_another_origin(other: ReplayServer) -> None:
    routes = [
        Route("/away", OK, redirect=f"{other.url}/landing"),
        Route("/here", OK, redirect="/home"),
        Route("/home", OK),
    ]
    with ReplayServer(routes=routes) as origin, HttpClient(sleep=no_sleep) as http:
        away = http.fetch(Request(f"{origin.url}/away"), headers=CREDENTIALS)
        here = http.fetch(Request(f"{origin.url}/here"), headers=CREDENTIALS)
        assert b"A page that arrived" in away.content and away.url.startswith(other.url)
        assert b"A page that arrived" in here.content
        sensitive = {"x-api-key", "authorization", "cookie"}
        assert sensitive <= sent_headers(origin, "/away")
        assert sensitive <= sent_headers(origin, "/home")  # same origin: kept
    assert not sensitive & sent_headers(other, "/landing")
    assert "user-agent" in sent_headers(other, "/landing")


def test_credentials_stay_away_from_another_origin_over_several_hops(
    other: ReplayServer,
) -> None:
    # origin -> other/hop -> other/landing: the second hop is within `other`, still not ours.
    routes = [Route("/away", OK, redirect=f"{other.url}/hop")]
    with ReplayServer(routes=routes) as origin, HttpClient(sleep=no_sleep) as http:
        http.fetch(Request(f"{origin.url}/away"), headers=CREDENTIALS)
    for path in ("/hop", "/landing"):
        assert not {"x-api-key", "authorization", "cookie"} & sent_headers(other, path)


def test_a_redirect_loop_fails_with_one_clear_error() -> None:
    routes = [Route("/loop", OK, redirect="/loop")]
    with ReplayServer(routes=routes) as server, HttpClient(sleep=no_sleep) as http:
        with pytest.raises(
            ProtocolError, match=r"more than 10 redirects \(a redirect loop\?\)"
        ) as caught:
            http.fetch(Request(f"{server.url}/loop", {"api_key": "secret-key"}))
        assert "secret-key" not in str(caught.value)
        assert len(server.received("/loop")) == MAX_REDIRECTS + 1  # not retried: it is no blip


def test_a_trickling_body_ends_at_the_request_deadline() -> None:
    # One byte every 0.4 s: each read comes well within the read timeout, the whole never does.
    routes = [Route("/trickle", OK, fault="trickle:0.4")]
    with (
        ReplayServer(routes=routes) as server,
        HttpClient(sleep=no_sleep, request_deadline=1.0) as http,
        pytest.raises(DeadlineError, match="before the request deadline"),
    ):
        http.fetch(Request(f"{server.url}/trickle"))


def test_the_callers_deadline_ends_a_request_sooner() -> None:
    routes = [Route("/trickle", OK, fault="trickle:0.4")]
    with (
        ReplayServer(routes=routes) as server,
        HttpClient(sleep=no_sleep) as http,
        pytest.raises(DeadlineError, match="before the source deadline"),
    ):
        http.fetch(Request(f"{server.url}/trickle"), deadline=time.monotonic() + 1.0)


def test_a_body_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"[" + b"0," * 1_500_000 + b"0]")  # 3 MB
    with (
        ReplayServer(routes=[Route("/big", big)]) as server,
        HttpClient(sleep=no_sleep, max_response_bytes=2**20) as http,
        pytest.raises(ResponseTooLargeError, match="response larger than 1 MB"),
    ):
        http.fetch(Request(f"{server.url}/big"))


def test_a_gzip_bomb_is_stopped_while_it_inflates(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * 200 * 2**20, compresslevel=9))  # 200 KB -> 200 MB
    assert bomb.stat().st_size < 2**20
    routes = [Route("/bomb", bomb, headers={"Content-Encoding": "gzip"})]
    with (
        ReplayServer(routes=routes) as server,
        HttpClient(sleep=no_sleep, max_response_bytes=2**20) as http,
        pytest.raises(ResponseTooLargeError, match="decompressed"),
    ):
        http.fetch(Request(f"{server.url}/bomb"))


def test_gzip_and_deflate_bodies_within_the_limit_are_read(tmp_path: Path) -> None:
    import zlib

    files = {"gzip": gzip.compress(OK.read_bytes()), "deflate": zlib.compress(OK.read_bytes())}
    raw = zlib.compressobj(wbits=-15)
    files["raw-deflate"] = raw.compress(OK.read_bytes()) + raw.flush()
    routes = []
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        coding = "deflate" if "deflate" in name else "gzip"
        routes.append(Route(f"/{name}", tmp_path / name, headers={"Content-Encoding": coding}))
    with ReplayServer(routes=routes) as server, HttpClient(sleep=no_sleep) as http:
        for name in files:
            assert http.fetch(Request(f"{server.url}/{name}")).content == OK.read_bytes()


def test_a_long_retry_after_means_try_the_next_run_without_waiting() -> None:
    sleeps: list[float] = []
    routes = [
        Route("/banned", OK, fail=[429] * 10, retry_after=100000),
        Route("/also-banned", OK),
    ]
    with ReplayServer(routes=routes) as server, HttpClient(sleep=sleeps.append) as http:
        with pytest.raises(ThrottledError, match=r"wait 27.8 h, try the next run") as caught:
            http.fetch(Request(f"{server.url}/banned"))
        assert caught.value.throttled
        assert len(server.received("/banned")) == 1
        # Anything else for that host in this run is throttled at once, without a request.
        with pytest.raises(ThrottledError, match="try the next run"):
            http.fetch(Request(f"{server.url}/also-banned"))
        assert server.received("/also-banned") == []
    assert sum(sleeps) == 0
