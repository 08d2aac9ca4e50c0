"""Whole harvests through the real HTTP stack against the loopback replay server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.crossref import Crossref
from connectors.openalex import OpenAlex
from harvester.http import HttpClient
from harvester.replay import ReplayServer
from harvester.review import load_review
from harvester.runner import run_review
from harvester.store import Store, open_store
from tests.conftest import REPLAY, ROOT, write_review

DEMO = REPLAY / "demo"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(DEMO) as running:
        yield running


def fast_http() -> HttpClient:
    return HttpClient(contact="test@example.org", max_attempts=3, sleep=lambda s: None)


def run(store: Store, review_file: Path, **kwargs):  # type: ignore[no-untyped-def]
    with fast_http() as http:
        return run_review(load_review(review_file), store, http=http, **kwargs)


def test_demo_harvest_stores_every_record_and_a_snapshot(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    result = run(store, write_review(tmp_path / "r.toml", server.url))
    by_source = {s.source: s for s in result.sources}
    assert (by_source["crossref"].records, by_source["openalex"].records) == (60, 38)
    assert by_source["crossref"].requests == 4  # cursor=*, then the scroll id until empty
    assert result.status == "ok"
    assert store.value("SELECT count(*) FROM raw_records") == 98
    assert store.value("SELECT count(*) FROM works") == 98
    # Both sources are approximate, so the local filter judged every record: the OpenAlex
    # recording (a cited_by page) has 28 records without widget* or citation*.
    assert (by_source["crossref"].filtered_out, by_source["openalex"].filtered_out) == (0, 28)
    assert store.value("SELECT count(*) FROM review_records WHERE NOT matched") == 28
    # Two book chapters come under two DOI spellings each: 70 records, 68 articles.
    assert result.snapshot is not None and result.snapshot.clusters == 68
    assert store.value("SELECT count(*) FROM snapshot_members") == 68
    logged = store.rows(
        "SELECT source, records, filtered_out, status FROM run_sources ORDER BY source"
    )
    assert logged == [("crossref", 60, 0, "ok"), ("openalex", 38, 28, "ok")]
    counts = json.loads(store.value("SELECT counts FROM snapshots"))
    assert counts["filtered_out"] == {"openalex": 28}


def test_second_run_asks_only_since_the_watermark_and_stores_nothing_twice(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    review = write_review(tmp_path / "r.toml", server.url)
    run(store, review)
    first_requests = len(server.received())
    second = run(store, review)
    later = server.received()[first_requests:]
    crossref = [r for r in later if r["path"] == "/crossref/works"]
    openalex = [r for r in later if r["path"] == "/openalex/works"]
    mark = store.value("SELECT min(watermark) FROM harvest_state")
    since = (mark.date() - __import__("datetime").timedelta(days=2)).isoformat()
    assert all(f"from-index-date:{since}" in r["params"]["filter"] for r in crossref)
    assert all(f"from_updated_date:{since}" in r["params"]["filter"] for r in openalex)
    assert sum(s.new for s in second.sources) == 0
    assert sum(s.unchanged for s in second.sources) == 98
    assert store.value("SELECT count(*) FROM raw_records") == 98
    assert second.snapshot is not None and second.snapshot.new_clusters == 0


def test_records_sent_again_unchanged_leave_their_works_and_keys_alone(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    review = write_review(tmp_path / "r.toml", server.url)
    run(store, review)
    works = "SELECT work_id, mapped_at FROM works ORDER BY 1"
    keys = "SELECT work_id, keyed_at FROM dedup_keys ORDER BY 1"
    before = (store.rows(works), store.rows(keys))
    second = run(store, review)
    assert sum(s.unchanged for s in second.sources) == 98
    assert (store.rows(works), store.rows(keys)) == before


def reserialized(value: Any) -> Any:
    """`value` with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reserialized(v) for k, v in reversed(value.items())}
    if isinstance(value, list):
        return [reserialized(v) for v in value]
    return value


def demo_written_again(tmp_path: Path) -> Path:
    """The demo's routes, each JSON body written again as another server might: every
    object's keys in reverse order, indented."""
    folder = tmp_path / "written-again"
    folder.mkdir()
    routes = (DEMO / "routes.toml").read_text()
    for name in sorted(set(re.findall(r'file = "([^"]+)"', routes))):
        body = json.loads((DEMO / name).read_bytes())
        (folder / Path(name).name).write_text(json.dumps(reserialized(body), indent=2))
        routes = routes.replace(f'file = "{name}"', f'file = "{Path(name).name}"')
    (folder / "routes.toml").write_text(routes)
    return folder


def test_records_sent_again_in_another_key_order_and_spacing_are_unchanged(
    store: Store, server: ReplayServer, tmp_path: Path
) -> None:
    run(store, write_review(tmp_path / "r.toml", server.url))
    stored = "SELECT work_id, mapped_at FROM works ORDER BY 1"
    payloads = "SELECT source_id, payload FROM raw_records ORDER BY 1"
    before = (store.rows(stored), store.rows(payloads))
    with ReplayServer(demo_written_again(tmp_path)) as elsewhere:
        again = run(store, write_review(tmp_path / "again.toml", elsewhere.url), full=True)
    counts = [(s.source, s.new, s.changed, s.unchanged) for s in again.sources]
    assert counts == [("crossref", 0, 0, 60), ("openalex", 0, 0, 38)]
    assert (store.rows(stored), store.rows(payloads)) == before


def test_a_filtered_source_sent_again_unchanged_keeps_its_verdicts_without_mapping(
    store: Store, server: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = write_review(tmp_path / "r.toml", server.url)
    run(store, review)
    judges = store.rows("SELECT DISTINCT judged_by FROM review_records")
    assert len(judges) == 1 and judges[0][0] is not None  # the one strategy's filter
    mapped: list[str] = []
    for cls in (Crossref, OpenAlex):
        mapping = cls.to_work
        monkeypatch.setattr(cls, "to_work", lambda s, raw, m=mapping: mapped.append(1) or m(s, raw))
    again = run(store, review, full=True)
    assert mapped == []  # every record as stored: the same filter's verdict stands
    by_source = {s.source: s for s in again.sources}
    assert (by_source["crossref"].filtered_out, by_source["openalex"].filtered_out) == (0, 28)
    assert store.value("SELECT count(*) FROM review_records WHERE NOT matched") == 28


def test_full_ignores_the_watermark(store: Store, server: ReplayServer, tmp_path: Path) -> None:
    review = write_review(tmp_path / "r.toml", server.url)
    run(store, review)
    before = len(server.received())
    run(store, review, full=True)
    assert not any("from-" in r["params"].get("filter", "") for r in server.received()[before:])


def failing_routes(tmp_path: Path, status: int) -> Path:
    """Demo routes, but Crossref answers every request with `status`."""
    folder = tmp_path / f"routes-{status}"
    folder.mkdir()
    text = (DEMO / "routes.toml").read_text().replace('file = "', f'file = "{DEMO}/')
    text += (
        f'\n[[route]]\npath = "/crossref/works"\nquery = {{ cursor = "*" }}\n'
        f'file = "{REPLAY}/faults/bad-request.json"\nstatus = {status}\nphase = 2\n'
    )
    (folder / "routes.toml").write_text(text)
    return folder


@pytest.mark.parametrize(("status", "outcome"), [(400, "failed"), (429, "throttled")])
def test_a_failing_source_is_reported_not_counted_as_zero(
    store: Store, tmp_path: Path, status: int, outcome: str
) -> None:
    with ReplayServer(failing_routes(tmp_path, status), phase=2) as server:
        result = run(store, write_review(tmp_path / "r.toml", server.url))
    crossref, openalex = result.sources
    assert (crossref.status, openalex.status) == (outcome, "ok")
    assert crossref.error
    assert result.status == "partial"
    row = store.rows("SELECT status, error FROM run_sources WHERE source = 'crossref'")[0]
    assert row[0] == outcome and row[1]
    assert store.value("SELECT count(*) FROM harvest_state WHERE source = 'crossref'") == 0
    counts = store.value("SELECT counts FROM snapshots")
    assert '"failed_sources": ["crossref"]' in counts


def test_max_records_caps_a_source(store: Store, server: ReplayServer, tmp_path: Path) -> None:
    review = write_review(
        tmp_path / "r.toml", server.url, sources=("crossref",), extra="max_records = 30\n"
    )
    (crossref,) = run(store, review).sources
    assert (crossref.records, crossref.status) == (30, "capped")


def test_killed_mid_harvest_then_rerun_loses_nothing_and_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    # Crossref's third page is slow on its first hit: the run is killed while waiting for it.
    folder = tmp_path / "slow"
    folder.mkdir()
    text = (DEMO / "routes.toml").read_text().replace('file = "', f'file = "{DEMO}/')
    text = text.replace(
        'works-query-widget-cursor-page3.json"',
        'works-query-widget-cursor-page3.json"\nfault = "slow:20"\nfault_hits = 1',
    )
    (folder / "routes.toml").write_text(text)
    db = tmp_path / "store.duckdb"
    with ReplayServer(folder) as server:
        review = write_review(tmp_path / "r.toml", server.url)
        process = subprocess.Popen(
            [sys.executable, "-m", "harvester", "run", str(review), "--db", str(db)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(server.received("/crossref/works")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.received("/crossref/works")) == 3, "the run never reached page 3"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        with open_store(db) as store:
            assert store.value("SELECT count(*) FROM raw_records") == 40  # pages 1-2 committed
            assert store.value("SELECT count(*) FROM harvest_state") == 1  # moved by the pages
            result = run(store, review)
            assert result.status == "ok"
            assert store.value("SELECT count(*) FROM raw_records") == 98
            assert (
                store.value(
                    "SELECT count(*) FROM (SELECT source_id FROM raw_records GROUP BY ALL"
                    " HAVING count(*) > 1)"
                )
                == 0
            )
            statuses = store.rows("SELECT status FROM runs ORDER BY run_id")
            assert statuses == [("interrupted",), ("ok",)]


def test_clock_is_injectable(store: Store, server: ReplayServer, tmp_path: Path) -> None:
    fixed = datetime(2030, 1, 2, 3, 4, 5)
    run(store, write_review(tmp_path / "r.toml", server.url), clock=lambda: fixed)
    assert store.value("SELECT max(watermark) FROM harvest_state") == fixed
