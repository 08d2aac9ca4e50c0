"""A review with one broken source and one healthy one, as a user runs it: `harvester run` in a
subprocess against the loopback replay server. Whatever the fault, the healthy source is
harvested and snapshotted, the broken one is failed with its reason, and the exit code is 1.
Only the store itself failing (a full disk) ends the run: one line, exit 2, nothing half-written.
"""

from __future__ import annotations

import gzip
import json
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from harvester.replay import ReplayServer, Route
from harvester.store import open_store
from tests.conftest import ROOT, run_cli
from tests.test_runner_faults import (
    CROSSREF,
    first_page_emptied,
    mapper_fails_on_every_record,
    nested_json,
    no_progress,
    openalex_routes,
    redirect_loop,
    unexpected_shape,
    written,
)

Fault = Callable[[Path], tuple[list[Route], str]]


def trickle(tmp_path: Path) -> tuple[list[Route], str]:
    return [Route("/crossref/works", CROSSREF, fault="trickle:0.5")], "source's deadline"


def gzip_bomb(tmp_path: Path) -> tuple[list[Route], str]:
    # 200 KB on the wire, 200 MB inflated: stopped at the 100 MB limit, never held whole.
    bomb = written(tmp_path, "bomb.gz", gzip.compress(b" " * 200 * 2**20, compresslevel=9))
    return [Route("/crossref/works", bomb, headers={"Content-Encoding": "gzip"})], "100 MB"


def long_retry_after(tmp_path: Path) -> tuple[list[Route], str]:
    routes = [Route("/crossref/works", CROSSREF, fail=[429] * 5, retry_after=100000)]
    return routes, "try the next run"


def review_file(tmp_path: Path, crossref_url: str, openalex_url: str) -> Path:
    path = tmp_path / "review.toml"
    path.write_text(
        '[review]\nid = "t"\ntitle = "one broken source"\ncontact = "test@example.org"\n'
        "[query]\ntext = 'widget* OR citation*'\n"
        f'[[sources]]\nconnector = "crossref"\nbase_url = "{crossref_url}/crossref"\n'
        "rate_limit = 1000\nlocal_filter = false\nmax_minutes = 0.05\n"
        f'[[sources]]\nconnector = "openalex"\nbase_url = "{openalex_url}/openalex"\n'
        "rate_limit = 1000\nlocal_filter = false\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "fault",
    [
        unexpected_shape,
        first_page_emptied,
        redirect_loop,
        nested_json,
        mapper_fails_on_every_record,
        no_progress,
        trickle,
        gzip_bomb,
        long_retry_after,
    ],
)
def test_one_broken_source_and_one_healthy(tmp_path: Path, fault: Fault) -> None:
    routes, reason = fault(tmp_path)
    db = tmp_path / "store.duckdb"
    # Two hosts, as in real life: a Retry-After holds back its own host only.
    with ReplayServer(routes=routes) as broken, ReplayServer(routes=openalex_routes()) as healthy:
        ran = run_cli("run", review_file(tmp_path, broken.url, healthy.url), "--db", db)
    assert ran.returncode == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    with open_store(db, read_only=True) as store:
        sources = store.rows("SELECT source, status, records, error FROM run_sources ORDER BY 1")
        members = store.value("SELECT count(*) FROM snapshot_members")
        failed = json.loads(store.value("SELECT counts FROM snapshots"))["failed_sources"]
        # Pages the broken source stored before it failed are kept (nothing here repeats).
        kept = store.value("SELECT count(*) FROM works WHERE source = 'crossref'")
    (crossref, openalex) = sources
    assert crossref[1] in ("failed", "throttled") and reason in crossref[3], crossref
    assert openalex == ("openalex", "ok", 38, None)
    assert members == 38 + kept and failed == ["crossref"]
    assert f"Snapshot 1: {members} unique records" in ran.stdout


def limit_file_size(limit: int) -> Callable[[], None]:
    """For a child process: writing past `limit` bytes fails with EFBIG, as on a full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_ends_the_run_with_one_line_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(db):
        pass  # the store exists; its first harvested page is what no longer fits
    with ReplayServer(routes=openalex_routes()) as server:
        review = review_file(tmp_path, server.url, server.url)
        full = subprocess.run(
            [sys.executable, "-m", "harvester", "run", str(review), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=limit_file_size(64 * 1024),
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        )
        assert full.returncode == 2, full.stdout + full.stderr
        assert "Traceback" not in full.stderr
        last = full.stderr.strip().splitlines()[-1]
        assert last.startswith("error: file size limit reached writing ") and str(db) in last
        again = run_cli("run", review, "--db", db)
    assert again.returncode == 1, again.stderr  # Crossref has no route here: failed, as before
    with open_store(db, read_only=True) as store:
        assert store.value("SELECT count(*) FROM raw_records") == 38
        twice = "SELECT source, source_id FROM raw_records GROUP BY ALL HAVING count(*) > 1"
        assert store.rows(twice) == []
        assert store.rows("SELECT status FROM runs ORDER BY run_id") == [("failed",), ("partial",)]
