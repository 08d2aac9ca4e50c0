"""`harvester query explain`, malformed strategies, translated queries through the connectors."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harvester.explain import SourcePlan, plan_source
from harvester.http import HttpClient, Request
from harvester.query import Translation
from harvester.replay import ReplayServer, Route
from harvester.review import SourceConfig, load_review
from harvester.runner import build_connector, run_review
from harvester.store import Store
from tests.conftest import REPLAY, ROOT, run_cli, write_review

EGOV = ROOT / "config" / "reviews" / "egov-oss.toml"


def test_explain_prints_every_source_request_and_marks_approximations() -> None:
    shown = run_cli("query", "explain", EGOV)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    review = load_review(EGOV)
    assert out.startswith("Strategy of egov-oss (as read): (")
    assert "Publication years: 2010-2026" in out
    approximated = 0
    searched = [s for s in review.sources if s.files is None]
    for source in searched:
        plan = plan_source(build_connector(source, review), review.query_for(source))
        assert plan.text in out  # the same block every run stores for the search log
        heading = plan.text.splitlines()[0]
        assert heading.startswith(source.name)
        assert heading.endswith(": approximated" if not plan.translation.exact else ": exact")
        approximated += not plan.translation.exact
        for key, value in plan.request.params.items():
            assert f"      {key}={value}\n" in out
    assert "query.bibliographic=one-stop service one stop service" in out
    assert 'filter=title_and_abstract.search:(("one-stop" AND service*)' in out
    assert "OpenAlex cannot truncate inside a phrase" in out
    assert "OAI-PMH has no search" in out
    assert "later runs add: filter=from-index-date:<last harvest - overlap_days>" in out
    checked = "  local filter: every record this source returns is checked"
    assert out.count(checked) == approximated
    # Exported files are imported as they are: nothing to translate.
    assert "garuda (files): exported files searches/garuda/*.csv, imported as they are" in out
    total = len(searched)
    assert out.rstrip().endswith(
        f"{total} sources: {total - approximated} exact, {approximated} approximated "
        "(their records pass the local filter)."
    )


def test_an_exact_source_says_its_records_are_not_filtered_again() -> None:
    plan = SourcePlan(
        "epmc",
        "europepmc",
        Request("https://example.org/search", {"query": "x"}),
        Translation({"query": "x"}),
        {},
    )
    assert plan.text.splitlines() == [
        "epmc (europepmc): exact",
        "  GET https://example.org/search",
        "      query=x",
        "  epmc runs the strategy as written; its records are not filtered again",
    ]


def test_api_keys_never_appear_in_the_explanation() -> None:
    review = load_review(EGOV)
    connector = build_connector(review.sources[1], review)
    connector.api_key = "secret-key"
    assert "secret-key" not in plan_source(connector, review.query).text
    assert "api_key=***" in plan_source(connector, review.query).text


BAD = """[review]
id = "bad"

[query]
text = '''
("one-stop service*" OR PTSP)
AND (kota OR kabupaten
'''

[[sources]]
connector = "crossref"
"""


def test_a_malformed_query_is_one_error_with_line_and_column_and_nothing_is_harvested(
    tmp_path: Path,
) -> None:
    review = tmp_path / "bad.toml"
    review.write_text(BAD, encoding="utf-8")
    store = tmp_path / "store" / "harvester.duckdb"
    ran = run_cli("run", review, "--db", store)
    assert ran.returncode == 2
    assert ran.stderr.splitlines() == [
        f"error: {review}: line 7, column 5: query.text: this bracket is never closed"
    ]
    assert "Traceback" not in ran.stderr and ran.stdout == ""
    assert not store.parent.exists()  # the store was not even created
    explained = run_cli("query", "explain", review)
    assert explained.returncode == 2
    assert explained.stderr == ran.stderr


def test_a_malformed_query_leaves_an_existing_store_untouched(tmp_path: Path) -> None:
    store = tmp_path / "harvester.duckdb"
    with ReplayServer(REPLAY / "demo") as server:
        good = write_review(tmp_path / "good.toml", server.url)
        assert run_cli("run", good, "--db", store).returncode == 0
    before = store.read_bytes()
    bad = write_review(tmp_path / "bad.toml", "http://127.0.0.1:9", query="widget* OR (citation*")
    ran = run_cli("run", bad, "--db", store)
    assert ran.returncode == 2
    assert ran.stderr == (
        f"error: {bad}: line 7, column 20: query.text: this bracket is never closed\n"
    )
    assert store.read_bytes() == before


# ---- the translated strategy through each connector, against the replay server ---------------


CONFORMANCE = sorted(p.stem for p in (ROOT / "tests").glob("test_conformance_*.py"))


@pytest.mark.parametrize("module", CONFORMANCE)
def test_the_egov_strategy_runs_through_every_connector_as_explained(
    module: str, store: Store, tmp_path: Path
) -> None:
    """Each connector sends exactly what `query explain` shows, through the real HTTP stack.

    The replay server answers with the connector's recorded conformance chain whatever it is
    asked; what matters here is the first request it received.
    """
    (case,) = [
        c
        for name, c in vars(importlib.import_module(f"tests.{module}")).items()
        if name.startswith("Test")
    ]
    routes = [Route(path="*", method="*", file=case.fixtures / n) for n in case.chain]
    egov = load_review(EGOV)
    with ReplayServer(routes=routes) as server:
        source = SourceConfig(
            case.connector.name,
            case.connector.name,
            base_url=server.url,
            rate_limit=1000.0,
            settings=case.settings,
        )
        review = dataclasses.replace(egov, sources=(source,), path=tmp_path / "egov.toml")
        plan = plan_source(build_connector(source, review), review.query)
        with HttpClient(max_attempts=1, sleep=lambda s: None) as http:
            (result,) = run_review(review, store, http=http).sources
        first = server.received()[0]
    assert result.status == "ok", result.error
    assert result.records > 0
    assert (urlsplit(plan.request.url).path or "/") == first["path"]
    sent = {k: v for k, v in first["params"].items() if k not in ("api_key", "mailto", "email")}
    shown = {k: v for k, v in plan.request.params.items() if k not in ("api_key", "mailto")}
    assert sent == shown
    stored = store.value("SELECT explanation FROM run_sources")
    assert stored == plan.text
    if not plan.translation.exact:
        # None of the recordings is about Indonesian licensing: the local filter drops them all.
        assert result.filtered_out == result.records - result.skipped
