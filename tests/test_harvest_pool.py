"""Sources harvested side by side: a bounded pool, one connection per host, one writer.

Generated OJS-like endpoints on loopback (harvester/testing/oai_farm.py), a real DuckDB file.
Overlap is proven without timing: the farm holds requests until enough are in flight at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.errors import ConfigError
from harvester.http import HttpClient
from harvester.review import load_review
from harvester.runner import run_review
from harvester.store import Store
from harvester.testing.oai_farm import Endpoint, OaiFarm


def review_file(tmp_path: Path, farm: OaiFarm, endpoints: list[Endpoint], harvest: str) -> Path:
    blocks = ['[review]\nid = "pool"\n[query]\ntext = "governance"\n', harvest]
    for e in endpoints:
        blocks.append(
            f'[[sources]]\nconnector = "oai_pmh"\nname = "{e.name}"\n'
            f'base_url = "{farm.url(e)}"\nrate_limit = 1000\nlocal_filter = false\n'
        )
    path = tmp_path / "pool.toml"
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def stored(store: Store, source: str) -> int:
    return int(store.value("SELECT count(*) FROM raw_records WHERE source = ?", [source]))


def test_sources_on_different_hosts_are_harvested_at_once(store: Store, tmp_path: Path) -> None:
    endpoints = [Endpoint(f"j{i}", host=i, pages=2, per_page=5) for i in range(4)]
    with OaiFarm(endpoints, rendezvous=4) as farm:
        review = load_review(review_file(tmp_path, farm, endpoints, "[harvest]\nconcurrency = 4\n"))
        with HttpClient(max_attempts=1) as http:
            result = run_review(review, store, http=http)
    assert not farm.rendezvous_failed  # four requests were in flight together
    assert [s.status for s in result.sources] == ["ok"] * 4
    assert [stored(store, e.name) for e in endpoints] == [10] * 4


def test_one_connection_per_host_and_a_failing_host_blocks_no_other(
    store: Store, tmp_path: Path
) -> None:
    endpoints = [
        Endpoint("a1", host=1, pages=3, per_page=4, delay=0.05),
        Endpoint("a2", host=1, pages=3, per_page=4, delay=0.05),
        Endpoint("broken", host=2, fault="http500"),
        Endpoint("down", host=3, fault="maintenance"),
        Endpoint("b1", host=4, pages=2, per_page=4),
    ]
    with OaiFarm(endpoints) as farm:
        review = load_review(review_file(tmp_path, farm, endpoints, ""))
        with HttpClient(max_attempts=2, backoff_max=0.01) as http:
            result = run_review(review, store, http=http)
    assert farm.peak_per_host[1] == 1  # two sources on one host, never at once
    status = {s.source: s.status for s in result.sources}
    assert status == {"a1": "ok", "a2": "ok", "broken": "failed", "down": "failed", "b1": "ok"}
    assert [s.source for s in result.sources] == [e.name for e in endpoints]  # review order
    assert [stored(store, n) for n in ("a1", "a2", "b1")] == [12, 12, 8]
    assert result.status == "partial"


def test_concurrency_one_is_one_source_after_another(store: Store, tmp_path: Path) -> None:
    endpoints = [Endpoint(f"s{i}", host=i, pages=2, per_page=3) for i in range(3)]
    with OaiFarm(endpoints) as farm:
        path = review_file(tmp_path, farm, endpoints, "[harvest]\nconcurrency = 1\n")
        with HttpClient(max_attempts=1) as http:
            result = run_review(load_review(path), store, http=http)
    assert max(farm.peak_per_host.values()) == 1
    assert [s.records for s in result.sources] == [6, 6, 6]


@pytest.mark.parametrize(
    ("harvest", "expected"),
    [
        ("[harvest]\nconcurrency = 0\n", "harvest.concurrency: must be a whole number"),
        ("[harvest]\nper_host = true\n", "harvest.per_host: must be a whole number"),
        ("[harvest]\nthreads = 4\n", "harvest.threads: unknown key"),
    ],
)
def test_bad_harvest_settings_name_their_key(tmp_path: Path, harvest: str, expected: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        '[query]\ntext = "x"\n[[sources]]\nconnector = "crossref"\n' + harvest, encoding="utf-8"
    )
    with pytest.raises(ConfigError) as raised:
        load_review(path)
    assert any(expected in p for p in raised.value.problems)


def test_a_store_failure_in_one_worker_stops_the_pool_and_is_raised() -> None:
    import threading

    from harvester.errors import StoreError
    from harvester.pool import Job, PoolLimits, run_jobs
    from harvester.walk import SourceResult

    started: list[str] = []
    stop = threading.Event()

    def job(name: str, host: str, fail: bool = False) -> Job:
        def run() -> SourceResult:
            started.append(name)
            if fail:
                raise StoreError("disk full writing x.wal")
            stop.wait(5)  # a running source ends at its next request once told to stop
            return SourceResult(name, "oai_pmh", status="interrupted")

        return Job(name, host, run)

    jobs = [job("a", "h1"), job("bad", "h2", fail=True), job("c", "h1"), job("d", "h1")]
    with pytest.raises(StoreError):
        run_jobs(jobs, PoolLimits(concurrency=4), on_done=lambda r: None, stop=stop)
    assert stop.is_set()
    assert sorted(started) == ["a", "bad"]  # c and d wait for host h1 and never start


def test_crossref_and_openalex_run_in_the_same_pool_as_a_group(
    store: Store, tmp_path: Path
) -> None:
    from harvester.replay import ReplayServer
    from tests.conftest import REPLAY
    from tests.serving import demo_review

    endpoints = [Endpoint("j1", host=1, pages=2, per_page=5), Endpoint("j2", host=2)]
    with ReplayServer(REPLAY / "demo") as replay, OaiFarm(endpoints) as farm:
        (tmp_path / "journals.toml").write_text(
            "\n".join(
                f'[[journal]]\nname = "{e.name}"\ntitle = "J"\nbase_url = "{farm.url(e)}"\n'
                for e in endpoints
            ),
            encoding="utf-8",
        )
        group = (
            '\n[[source_groups]]\nregistry = "journals.toml"\nname = "oj"\n'
            "rate_limit = 1000\nlocal_filter = false\n"
        )
        path = demo_review(tmp_path, "mixed", replay.url, extra=group)
        with HttpClient(max_attempts=1) as http:
            result = run_review(load_review(path), store, http=http)
    outcome = {s.source: (s.status, s.group) for s in result.sources}
    assert outcome == {
        "crossref": ("ok", None),
        "openalex": ("ok", None),
        "oj.j1": ("ok", "oj"),
        "oj.j2": ("ok", "oj"),
    }
    assert [stored(store, n) for n in ("oj.j1", "oj.j2")] == [10, 100]
    assert stored(store, "crossref") > 0 and stored(store, "openalex") > 0
