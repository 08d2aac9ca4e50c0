"""`harvester query explain`, malformed strategies, translated queries through the connectors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.explain import SourcePlan, plan_source
from harvester.http import HttpClient, Request
from harvester.query import Translation
from harvester.replay import ReplayServer
from harvester.review import load_review
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
    for source in review.sources:
        plan = plan_source(build_connector(source, review), review.query_for(source))
        assert plan.text in out  # the same block every run stores for the search log
        assert f"\n{source.name}: approximated\n" in out
        for key, value in plan.request.params.items():
            assert f"      {key}={value}\n" in out
    assert "query.bibliographic=one-stop service one stop service" in out
    assert 'filter=title_and_abstract.search:(("one-stop" AND service*)' in out
    assert "OpenAlex cannot truncate inside a phrase" in out
    assert "later runs add: filter=from-index-date:<last harvest - overlap_days>" in out
    assert out.count("  local filter: every record this source returns is checked") == 2
    assert out.rstrip().endswith(
        "2 sources: 0 exact, 2 approximated (their records pass the local filter)."
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


@pytest.fixture
def queries_server() -> Iterator[ReplayServer]:
    with ReplayServer(REPLAY / "queries") as running:
        yield running


def test_the_egov_strategy_reaches_crossref_and_openalex_exactly_as_translated(
    queries_server: ReplayServer, store: Store, tmp_path: Path
) -> None:
    text = EGOV.read_text(encoding="utf-8")
    for name in ("crossref", "openalex"):
        text = re.sub(
            rf'connector = "{name}"\n',
            f'connector = "{name}"\nbase_url = "{queries_server.url}/{name}"\nrate_limit = 1000\n',
            text,
        )
    review_file = tmp_path / "egov-oss.toml"
    review_file.write_text(text, encoding="utf-8")
    review = load_review(review_file)
    with HttpClient(max_attempts=1, sleep=lambda s: None) as http:
        result = run_review(review, store, http=http)
    # Each route only answers the exact translated parameters (tests/fixtures/replay/queries).
    by_source = {s.source: s for s in result.sources}
    assert {s: r.status for s, r in by_source.items()} == {"crossref": "ok", "openalex": "ok"}
    assert (by_source["crossref"].records, by_source["openalex"].records) == (20, 38)
    # None of the recorded bodies is about Indonesian licensing: all stay out of the set.
    assert by_source["crossref"].filtered_out == 20
    assert by_source["openalex"].filtered_out == 38
    assert result.snapshot is not None and result.snapshot.clusters == 0
    stored = dict(store.rows("SELECT source, explanation FROM run_sources"))
    for source in review.sources:
        plan = plan_source(build_connector(source, review), review.query_for(source))
        assert stored[source.name] == plan.text
