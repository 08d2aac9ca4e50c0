"""The service in one process: its worker, its schedule memory, and the status page's rules
(escaping, downloads, tokens, the Host check, "run now" safe against cross-site requests)."""

from __future__ import annotations

import base64
import io
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import rispy

from harvester.exports.files import export_records
from harvester.exports.stream import scope_ids, stream_records
from harvester.replay import ReplayServer
from harvester.scheduler import RetryPolicy
from harvester.service.backup import BackupPolicy, backup_if_due
from harvester.service.catalog import ReviewCatalog
from harvester.service.service import Service
from harvester.service.state import DuckDBScheduleStore
from harvester.service.web import EXTENSIONS, WebConfig, create_app
from harvester.service.web_thread import WebServer, listen
from harvester.store import Store, open_store
from tests.conftest import REPLAY
from tests.serving import demo_review

POLICY = RetryPolicy(retries=2, backoff=timedelta(minutes=10), jitter=timedelta(0))
NASTY = "<script>alert('x')</script> & <b>co</b>"


def drain(service: Service) -> list[str]:
    """Queue what is due and run every queued job here, one after another."""
    service.tick()
    outcomes = []
    while (job := service.queue.take(0)) is not None:
        try:
            outcomes.append(service.worker.run(job).outcome)
        finally:
            service.queue.done(job)
    return outcomes


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    with ReplayServer(REPLAY / "living") as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store.duckdb") as opened:
        yield opened


@contextmanager
def client(service: Service, token: str | None = None) -> Iterator[httpx.Client]:
    """The status page on a real loopback port, and a client for it."""
    server = WebServer(create_app(service, WebConfig(token, b"k" * 32)), listen("127.0.0.1", 0))
    server.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as http:
            yield http
    finally:
        server.stop()


def test_jobs_run_one_after_another_and_the_schedule_is_kept_in_the_store(
    tmp_path: Path, replay: ReplayServer, store: Store
) -> None:
    folder = tmp_path / "reviews"
    for name in ("one", "two"):
        demo_review(folder, name, replay.url, schedule="daily")
    service = Service(ReviewCatalog([folder]), store, policy=POLICY)
    assert drain(service) == ["ok", "ok"]
    saved = {e.review_id: e for e in DuckDBScheduleStore(store).entries()}
    assert set(saved) == {"one", "two"}
    assert all(e.last_outcome == "ok" and e.next_due.hour == 3 for e in saved.values())
    assert drain(service) == []  # nothing due until tomorrow 03:00
    # A new file in the folder is picked up without a restart.
    demo_review(folder, "three", replay.url, schedule="daily")
    assert drain(service) == ["ok"]


def test_a_failing_job_is_recorded_retried_later_and_the_next_job_still_runs(
    tmp_path: Path, replay: ReplayServer, store: Store
) -> None:
    folder = tmp_path / "reviews"
    demo_review(folder, "down", replay.url + "/gone", schedule="daily")  # every request: 404
    demo_review(folder, "up", replay.url)
    gone = demo_review(folder, "gone", replay.url)
    # Noon: the retry (10 minutes on) comes before the next daily slot (03:00 tomorrow).
    noon = datetime(2026, 6, 1, 12, 0)
    service = Service(ReviewCatalog([folder]), store, policy=POLICY, clock=lambda: noon)
    service.tick()
    gone.unlink()  # deleted while queued: the job fails, the service goes on
    outcomes = drain(service)
    assert sorted(outcomes) == ["error", "failed", "ok"]
    entries = {e.review_id: e for e in DuckDBScheduleStore(store).entries()}
    down = entries["down"]
    assert down.attempt == 1 and down.last_outcome == "failed"
    assert down.last_job_at == noon and down.next_due == noon + timedelta(minutes=10)
    assert "no longer served" in (entries["gone"].last_error or "")


def test_a_run_of_a_crashed_process_is_closed_as_interrupted(store: Store) -> None:
    store.execute(
        "INSERT INTO runs (run_id, review_id, started_at, status, pid) "
        "VALUES (99, 'r', now(), 'running', 1)"  # pid 1: alive, but not the store's owner
    )
    assert DuckDBScheduleStore(store).close_abandoned_runs() == 1
    assert store.value("SELECT status FROM runs WHERE run_id = 99") == "interrupted"


@pytest.fixture
def served(tmp_path: Path, replay: ReplayServer, store: Store) -> Service:
    """A review with two snapshots (the living recordings, phases 1 and 2) and a nasty title."""
    folder = tmp_path / "reviews"
    path = demo_review(folder, "living", replay.url)
    path.write_text(
        re.sub(r'title = ".*"', f'title = "{NASTY}"', path.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    service = Service(ReviewCatalog([folder]), store, policy=POLICY)
    assert drain(service) == ["ok"]
    replay.phase = 2
    replay.reset()
    assert service.run_now("living")
    assert drain(service) == ["ok"]
    return service


def test_pages_escape_what_review_files_and_records_hold(served: Service) -> None:
    with client(served) as web:
        for path in ("/", "/reviews/living", "/reviews/living/snapshots/2"):
            response = web.get(path)
            assert response.status_code == 200
            assert "<script>alert" not in response.text
            assert "default-src 'none'" in response.headers["content-security-policy"]
        page = web.get("/reviews/living").text
        assert "&lt;script&gt;alert(" in page
        assert "<svg " in page and "PRISMA 2020 flow diagram" in page  # the figure, inline
        assert "Search log" in page and "Run now" in page
        assert web.get("/reviews/nope").status_code == 404


def cli_export(served: Service, snapshot_id: int, fmt: str, folder: Path) -> bytes:
    out = folder / f"expected.{fmt}"
    with served.reader() as store:
        ids = scope_ids(store, snapshot_id)
        export_records(stream_records(store, snapshot_id, ids, None), fmt, out)
    return out.read_bytes()


def test_every_export_format_downloads_and_new_since_holds_only_the_new(
    served: Service, tmp_path: Path
) -> None:
    with client(served) as web:
        api = web.get("/api/reviews").json()
        assert api[0]["snapshots"] == 2
        new = api[0]["last_run"]["new_records"]
        assert new > 0
        for fmt, extension in EXTENSIONS.items():
            response = web.get(f"/reviews/living/snapshots/2/export/{fmt}")
            assert response.status_code == 200, fmt
            assert response.headers["content-disposition"].endswith(f'.{extension}"')
            assert response.content.strip()
            # The bytes `harvester export` writes (the same streamed writer), nothing left over.
            assert response.content == cli_export(served, 2, fmt, tmp_path), fmt
        assert not list(Path(tempfile.gettempdir()).glob("harvester-export-*"))
        whole = rispy.load(io.StringIO(web.get("/reviews/living/snapshots/2/export/ris").text))
        fresh = rispy.load(
            io.StringIO(web.get("/reviews/living/snapshots/2/export/ris?since=1").text)
        )
        with served.reader() as store:
            clusters = store.value("SELECT clusters FROM snapshots WHERE snapshot_id = 2")
        assert len(whole) == clusters
        assert len(fresh) == new
        assert web.get("/reviews/living/snapshots/7/export/ris").status_code == 404


def test_run_now_needs_the_pages_csrf_token_and_the_same_origin(served: Service) -> None:
    with client(served) as web:
        page = web.get("/reviews/living").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert token is not None
        assert web.post("/reviews/living/run", data={}).status_code == 403
        evil = {"Origin": "https://evil.example"}
        refused = web.post("/reviews/living/run", data={"csrf": token.group(1)}, headers=evil)
        assert refused.status_code == 403
        assert served.queue.waiting() == []
        ok = web.post(
            "/reviews/living/run",
            data={"csrf": token.group(1)},
            headers={"Origin": str(web.base_url).rstrip("/")},
            follow_redirects=False,
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/reviews/living?queued=yes"
        assert [j.review_id for j in served.queue.waiting()] == ["living"]


def test_a_token_is_asked_on_every_request_and_unknown_hosts_are_refused(served: Service) -> None:
    with client(served) as web:
        assert web.get("/", headers={"Host": "evil.example"}).status_code == 421
    with client(served, token="t0ken-abc") as web:
        refused = web.get("/healthz")
        assert refused.status_code == 401 and "Basic" in refused.headers["www-authenticate"]
        assert web.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert (
            web.get("/api/reviews", headers={"Authorization": "Bearer t0ken-abc"}).status_code
            == 200
        )
        basic = base64.b64encode(b"anyone:t0ken-abc").decode()
        assert web.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        # With a token the service may be reached under any name (a public address).
        assert (
            web.get(
                "/", headers={"Host": "harvester.example.org", "Authorization": f"Basic {basic}"}
            ).status_code
            == 200
        )


def test_healthz_says_503_when_the_loop_is_not_running(served: Service) -> None:
    with client(served) as web:
        response = web.get("/healthz")
    assert response.status_code == 503  # this test never started the worker thread
    assert response.json()["worker"] == "stopped" and response.json()["store"] == "ok"


def test_backups_are_whole_copies_written_between_jobs(served: Service, tmp_path: Path) -> None:
    policy = BackupPolicy(tmp_path / "backups", every=timedelta(hours=24), keep=2)
    for day in range(1, 4):
        when = datetime(2026, 12, day, 3, 0)
        assert policy.due(when)
        backup_if_due(served.store, policy, when)
        assert not policy.due(when + timedelta(hours=1))
    names = [p.name for p in policy.backups()]
    assert names == ["harvester-20261202T030000Z.duckdb", "harvester-20261203T030000Z.duckdb"]
    with open_store(policy.backups()[-1], read_only=True) as copy:
        assert copy.value("SELECT count(*) FROM snapshots") == 2
        assert copy.value("SELECT count(*) FROM schedule_state") == 1
