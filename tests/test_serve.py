"""`harvester serve` end to end, as a subprocess against the replay server: reviews due together
queue and all publish, a missed slot runs once at start, SIGTERM stops cleanly mid-run and the
next start finishes the work, and API keys appear nowhere."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from harvester.replay import ReplayServer, Route, load_routes
from harvester.runner import now_utc
from harvester.store import open_store
from tests.conftest import REPLAY, ROOT, run_at
from tests.serving import FAST, Served, demo_review


def snapshots_of(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(
            con.execute("SELECT review_id, count(*) FROM snapshots GROUP BY ALL").fetchall()
        )


def test_three_reviews_due_together_each_get_a_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with ReplayServer(REPLAY / "demo") as replay:
        for name in ("alpha", "beta", "gamma"):
            demo_review(tmp_path / "reviews", name, replay.url)
        with Served(tmp_path / "reviews", "--db", db) as served:
            assert served.wait_for(
                lambda: all(r["snapshots"] >= 1 for r in served.json("/api/reviews")), 90
            ), served.log
            reviews = served.json("/api/reviews")
            code, seconds = served.stop()
    assert code == 0, served.log
    assert seconds < 10
    assert sorted(r["id"] for r in reviews) == ["alpha", "beta", "gamma"]
    assert all(r["last_run"]["status"] == "ok" for r in reviews)
    assert all(r["last_run"]["new_records"] > 0 for r in reviews)
    assert "Traceback" not in served.log
    # One after another: no two runs of the service overlapped.
    with duckdb.connect(str(db), read_only=True) as con:
        spans = con.execute(
            "SELECT started_at, finished_at FROM runs ORDER BY started_at"
        ).fetchall()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert snapshots_of(db) == {"alpha": 1, "beta": 1, "gamma": 1}


def test_a_missed_slot_runs_once_at_start(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with ReplayServer(REPLAY / "demo") as replay:
        review = demo_review(tmp_path / "reviews", "missed", replay.url, schedule="daily")
        # Its last run was three days ago: three daily slots passed since.
        with open_store(db) as store:
            run_at(store, review, now_utc() - timedelta(days=3))
        replay.reset()
        with Served(review, "--db", db) as served:
            assert served.wait_for(lambda: snapshots_of_open(served) == 2, 60), served.log
            assert served.wait_for(lambda: "missed next due" in served.log, 10)
            served.wait_for(lambda: False, 3)  # a few more ticks: nothing else is queued
            reviews = served.json("/api/reviews")
            code, _ = served.stop()
    assert code == 0
    assert served.log.count("missed queued (catch-up)") == 1, served.log
    assert reviews[0]["snapshots"] == 2
    next_run = datetime.fromisoformat(reviews[0]["next_run"].rstrip("Z"))
    assert next_run > now_utc()  # the next daily slot, not another catch-up


def snapshots_of_open(served: Served) -> int:
    return int(served.json("/api/reviews")[0]["snapshots"])


def test_sigterm_mid_run_exits_cleanly_and_the_next_start_finishes(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    routes = load_routes(REPLAY / "demo")
    for route in routes:
        if route.path == "/crossref/works" and route.query.get("cursor") != "*":
            route.fault = "slow:2"  # every page after the first takes two seconds
    with ReplayServer(routes=routes) as replay:
        review = demo_review(tmp_path / "reviews", "slow", replay.url)
        with Served(review, "--db", db) as served:
            assert served.wait_for(lambda: len(replay.received("/crossref/works")) >= 2, 60)
            # The status page answers while the run writes.
            answers = {path: served.get(path) for path in ("/healthz", "/api/reviews", "/")}
            code, seconds = served.stop(signal.SIGTERM)
    assert code == 0, served.log
    assert seconds < 10
    assert {path: status for path, (status, _) in answers.items()} == dict.fromkeys(answers, 200)
    (listed,) = json.loads(answers["/api/reviews"][1])
    assert listed["id"] == "slow" and listed["snapshots"] == 0
    assert b"/reviews/slow" in answers["/"][1]
    shutdown = [line for line in served.lines if "stopping on SIGTERM" in line]
    assert len(shutdown) == 1 and "interrupted" in shutdown[0], served.log
    assert "Traceback" not in served.log
    with duckdb.connect(str(db), read_only=True) as con:
        (run_status,) = con.execute("SELECT status FROM runs").fetchone() or ("",)
        kept = con.execute("SELECT count(*) FROM raw_records").fetchone()
    assert run_status == "interrupted"
    assert kept and kept[0] > 0  # the committed pages stay
    # The next start runs it again at once and publishes its snapshot.
    with ReplayServer(REPLAY / "demo") as replay:
        demo_review(tmp_path / "reviews", "slow", replay.url)
        with Served(review, "--db", db) as served:
            assert served.wait_for(lambda: snapshots_of_open(served) == 1, 60), served.log
            code, _ = served.stop(signal.SIGINT)
    assert code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY run_id").fetchall()]
    assert statuses == ["interrupted", "ok"]


def test_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    review = demo_review(tmp_path, "open", "http://127.0.0.1:9")
    result = run_cli("serve", review, "--db", tmp_path / "s.duckdb", "--host", "0.0.0.0")
    assert result.returncode == 2
    assert "--token" in result.stderr and "HARVESTER_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s.duckdb").exists()


def test_a_broken_review_file_is_one_clear_error(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    (tmp_path / "bad.toml").write_text('[review]\nschedule = "sometimes"\n', encoding="utf-8")
    result = run_cli("serve", tmp_path, "--db", tmp_path / "s.duckdb")
    assert result.returncode == 2
    assert "bad.toml" in result.stderr and "schedule" in result.stderr
    assert "Traceback" not in result.stderr


KEY = "sk-live-7f3a9c2e41d8b6"  # a made-up key, distinctive enough to search for


def test_api_keys_appear_nowhere(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    # OpenAlex refuses the request and, as some APIs do, quotes the URL (with the key) back.
    echo = tmp_path / "echo.json"
    echo.write_text(f'{{"error": "bad filter in /works?api_key={KEY}&filter=x"}}', encoding="utf-8")
    routes = [r for r in load_routes(REPLAY / "demo") if r.path.startswith("/crossref")]
    routes.append(Route(path="/openalex/works", file=echo, status=400))
    with ReplayServer(routes=routes) as replay:
        review = demo_review(tmp_path / "reviews", "keyed", replay.url)
        env = {"OPENALEX_API_KEY": KEY, "HARVESTER_TOKEN": "tok-" + KEY[::-1]}
        with Served(review, "--db", db, "--log-format", "json", env=env) as served:
            auth = {"Authorization": "Bearer tok-" + KEY[::-1]}

            def published() -> bool:
                status, body = served.get("/api/reviews", auth)
                return status == 200 and json.loads(body)[0]["snapshots"] == 1

            assert served.wait_for(published, 60), served.log
            pages = [
                served.get(path, auth)
                for path in (
                    "/",
                    "/reviews/keyed",
                    "/reviews/keyed/searchlog.md",
                    "/api/reviews",
                    "/reviews/keyed/snapshots/1",
                )
            ]
            unauthorized, _ = served.get("/api/reviews")
            code, _ = served.stop()
        sent = [r["params"].get("api_key") for r in replay.received("/openalex/works")]
    assert sent and sent[0] == KEY  # the key was really used
    assert code == 0
    assert unauthorized == 401
    assert all(status == 200 for status, _ in pages)
    text = "\n".join(body.decode() for _, body in pages)
    assert "api_key=***" in text  # the search log shows the request, masked
    assert "bad filter" in text  # and the source's error, masked
    assert KEY not in text and KEY[::-1] not in text
    assert "api_key=***" in served.log
    assert KEY not in served.log and KEY[::-1] not in served.log
    for line in served.lines:
        json.loads(line)  # --log-format json: one JSON object per line
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for table in tables:
            dump = con.execute(f"SELECT CAST(list(t) AS VARCHAR) FROM {table} t").fetchone()
            assert KEY not in str(dump), table


def _unshare_works() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--pid", "--fork", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs root and unshare for a PID namespace")
def test_works_as_pid_1(tmp_path: Path) -> None:
    """As PID 1 (a container without an init), SIGTERM still stops the service cleanly."""
    with ReplayServer(REPLAY / "demo") as replay:
        review = demo_review(tmp_path / "reviews", "init", replay.url)
        process = subprocess.Popen(
            [
                "unshare",
                "--pid",
                "--fork",
                "--kill-child",
                sys.executable,
                "-m",
                "harvester",
                "serve",
                str(review),
                "--db",
                str(tmp_path / "s.duckdb"),
                "--log-format",
                "json",
                *FAST,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert process.stdout is not None
            started = next(
                r for line in process.stdout if (r := json.loads(line)).get("event") == "started"
            )
            assert started["pid"] == 1
            lines = []
            for line in process.stdout:
                lines.append(json.loads(line))
                if lines[-1].get("event") == "run_finished":
                    break
            # Signal PID 1 of the namespace from outside it, as `docker stop` does.
            (child,) = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            begun = time.monotonic()
            os.kill(int(child), signal.SIGTERM)
            code = process.wait(30)
            seconds = time.monotonic() - begun
            rest = [json.loads(line) for line in process.stdout]
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 0 and seconds < 10
    assert [r["event"] for r in rest if r.get("event") == "shutdown"] == ["shutdown"]


def test_a_run_stuck_in_a_request_does_not_hold_the_shutdown(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    routes = load_routes(REPLAY / "demo")
    for route in routes:
        if route.path == "/crossref/works" and route.query.get("cursor") != "*":
            route.fault = "slow:30"  # the second page hangs far beyond the shutdown deadline
    with ReplayServer(routes=routes) as replay:
        review = demo_review(tmp_path / "reviews", "stuck", replay.url)
        with Served(review, "--db", db) as served:
            assert served.wait_for(lambda: len(replay.received("/crossref/works")) >= 2, 60)
            code, seconds = served.stop(signal.SIGTERM)
    assert code == 0 and seconds < 10, served.log
    assert "left unfinished" in served.log
    with ReplayServer(REPLAY / "demo") as replay:
        demo_review(tmp_path / "reviews", "stuck", replay.url)
        with Served(review, "--db", db) as served:
            assert served.wait_for(lambda: snapshots_of_open(served) == 1, 60), served.log
            served.stop()
    assert "1 run(s) left running by an earlier process marked interrupted" in served.log
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY run_id").fetchall()]
        kept = con.execute("SELECT count(*) FROM raw_records WHERE first_run = 1").fetchone()
    assert statuses == ["interrupted", "ok"]
    assert kept and kept[0] > 0  # the first page, committed before the hang
