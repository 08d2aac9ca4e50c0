"""Endpoint health: failures in a row per OAI endpoint, dead ones rested, moves and
maintenance pages reported. Generated endpoints on loopback, a real DuckDB file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from harvester.health import HealthRule, health
from harvester.http import HttpClient
from harvester.review import load_review
from harvester.runner import RunResult, run_review
from harvester.store import Store
from harvester.testing.oai_farm import Endpoint, OaiFarm

T0 = datetime(2026, 3, 1, 3)


def test_backoff_rule_made_up_example() -> None:
    rule = HealthRule(
        dead_after=3,
        min_span=timedelta(hours=20),
        first_backoff=timedelta(days=1),
        max_backoff=timedelta(days=30),
    )
    week = timedelta(days=7)
    assert rule.backoff(2, week) is None  # two failures: not dead yet
    assert rule.backoff(3, timedelta(hours=1)) is None  # three retries within an hour
    assert rule.backoff(3, week) == timedelta(days=1)
    assert rule.backoff(5, week) == timedelta(days=4)
    assert rule.backoff(40, week) == timedelta(days=30)


def review(tmp_path: Path, farm: OaiFarm, endpoints: list[Endpoint]) -> Path:
    blocks = ['[review]\nid = "h"\n[query]\ntext = "governance"\n']
    for e in endpoints:
        blocks.append(
            f'[[sources]]\nconnector = "oai_pmh"\nname = "{e.name}"\nbase_url = "{farm.url(e)}"\n'
            "rate_limit = 1000\nlocal_filter = false\n"
        )
    path = tmp_path / "h.toml"
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def run(store: Store, path: Path, when: datetime) -> dict[str, tuple[str, str | None]]:
    with HttpClient(max_attempts=1) as http:
        result: RunResult = run_review(load_review(path), store, http=http, clock=lambda: when)
    return {s.source: (s.status, s.error) for s in result.sources}


def test_a_dead_endpoint_is_skipped_until_its_backoff_passes(store: Store, tmp_path: Path) -> None:
    endpoints = [Endpoint("down", host=1, fault="maintenance"), Endpoint("up", host=2)]
    with OaiFarm(endpoints) as farm:
        path = review(tmp_path, farm, endpoints)
        for day in range(3):
            status, error = run(store, path, T0 + timedelta(days=day))["down"]
            assert status == "failed"
            # a maintenance page is reported by its title
            assert "'Situs Sedang Dalam Pemeliharaan'" in (error or "")
        asked = farm.requests
        outcome = run(store, path, T0 + timedelta(days=2, hours=4))
        assert farm.requests == asked + 1  # only "up" was asked
        status, reason = outcome["down"]
        assert status == "skipped"
        assert "failed 3 runs in a row" in (reason or "")
        assert "next asked after 2026-03-04 03:00" in (reason or "")
        assert outcome["up"] == ("ok", None)
        assert run(store, path, T0 + timedelta(days=3, hours=1))["down"][0] == "failed"
        assert farm.requests == asked + 3  # asked again once rested
    known = health(store, farm.url(endpoints[0]))
    assert known is not None and known.failures_in_a_row == 4
    assert (
        store.value(
            "SELECT status FROM run_sources WHERE source = 'down' ORDER BY run_id LIMIT 1 OFFSET 3"
        )
        == "skipped"
    )


def test_a_success_clears_the_failures(store: Store, tmp_path: Path) -> None:
    endpoints = [Endpoint("flaky", host=1, fault="http500")]
    with OaiFarm(endpoints) as farm:
        run(store, review(tmp_path, farm, endpoints), T0)
    healed = [Endpoint("flaky", host=1)]
    with OaiFarm(healed) as farm:
        path = review(tmp_path, farm, healed)
        assert run(store, path, T0 + timedelta(hours=1))["flaky"] == ("ok", None)
        known = health(store, farm.url(healed[0]))
    assert known is not None and known.failures_in_a_row == 0 and known.last_success


def test_a_moved_endpoint_is_followed_and_reported(store: Store, tmp_path: Path) -> None:
    endpoints = [
        Endpoint("old", host=1, moved_to="new"),
        Endpoint("new", host=1, pages=2, per_page=3),
    ]
    with OaiFarm(endpoints) as farm:
        path = review(tmp_path, farm, endpoints[:1])
        with HttpClient(max_attempts=1) as http:
            result = run_review(load_review(path), store, http=http, clock=lambda: T0)
        new_url = farm.url(endpoints[1])
    old = result.sources[0]
    assert (old.status, old.records) == ("ok", 6)
    assert old.notes == [f"moved to {new_url} (a permanent redirect; update its address)"]
    known = health(store, farm.url(endpoints[0]))
    assert known is not None and known.moved_to == new_url


def test_a_5xx_maintenance_page_is_named_by_its_title() -> None:
    import pytest

    from harvester.errors import RetriableAPIError
    from harvester.http import Response, default_check
    from harvester.testing.oai_farm import MAINTENANCE

    page = Response(503, MAINTENANCE.encode(), {"content-type": "text/html"}, "http://x/oai")
    with pytest.raises(RetriableAPIError, match="HTTP 503: an HTML page titled 'Situs Sedang"):
        default_check(page)
