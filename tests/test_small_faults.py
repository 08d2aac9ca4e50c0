"""The small faults of issue 14: each one clear line, never a traceback or a wrong number."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from connectors.oai_pmh import OaiPmh
from harvester.errors import ConfigError
from harvester.query.parser import MAX_NESTING, parse
from harvester.review import load_review
from tests.conftest import REPLAY, run_cli, write_review


def one_error_line(result: Any) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    return str(line)


@pytest.mark.parametrize(
    "query", ["(" * 500 + "widget" + ")" * 500, "NOT " * 500 + "widget", "(" * 5000 + "widget"]
)
def test_deeply_nested_brackets_are_one_clear_error(tmp_path: Path, query: str) -> None:
    review = write_review(tmp_path / "r.toml", "http://127.0.0.1:9", query=query)
    line = one_error_line(run_cli("query", "explain", review))
    assert f"nested more than {MAX_NESTING} levels deep" in line
    assert not (tmp_path / "store").exists()


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_NESTING
    assert parse("(" * depth + "widget" + ")" * depth) == parse("widget")


def oai_review(tmp_path: Path, options: str) -> Path:
    path = tmp_path / "oai.toml"
    path.write_text(
        '[review]\nid = "oai"\n[query]\ntext = "widget"\n'
        '[[sources]]\nconnector = "oai_pmh"\nbase_url = "https://journal.example.org/oai"\n'
        + options,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ('metadata_prefix = "mods"\n', "metadata_prefix: must be one of oai_dc, datacite"),
        ('granularity = "seconds"\n', "granularity: must be one of YYYY-MM-DD"),
        ('from = "last year"\n', "from: must be a date (YYYY-MM-DD)"),
        ('from = "2024-02-30"\n', "from: is not a real date"),
        ('from = "2024-01-01T10:00:00Z"\n', "from: has a time of day"),
        ("from = 2024-01-01T10:00:00Z\n", "from: has a time of day"),
        ('from = 2024-05-01\nuntil = "2024-01-01"\n', "until: is before from"),
        ('set = "journal one"\n', "set: must be a setSpec"),
    ],
)
def test_oai_options_are_checked_when_the_review_loads(
    tmp_path: Path, options: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_review(oai_review(tmp_path, options))
    assert any(problem in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    "options",
    [
        'metadata_prefix = "datacite"\nset = "journal:ijsr"\n',
        'granularity = "YYYY-MM-DDThh:mm:ssZ"\nfrom = "2024-01-01T10:00:00Z"\n',
        "from = 2024-01-01\nuntil = 2024-06-30\n",
    ],
)
def test_valid_oai_options_load(tmp_path: Path, options: str) -> None:
    (source,) = load_review(oai_review(tmp_path, options)).sources
    assert OaiPmh.setting_problems(source.settings) == {}


def test_an_unknown_source_names_the_known_ones(tmp_path: Path) -> None:
    review = write_review(tmp_path / "r.toml", "http://127.0.0.1:9")
    line = one_error_line(run_cli("run", review, "--db", tmp_path / "s.duckdb", "--source", "nope"))
    assert line == f"error: {review}: --source: unknown source 'nope'; known: crossref, openalex"


def test_replay_on_a_taken_port_says_so() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_error_line(run_cli("replay", REPLAY / "demo", "--port", port, "--", "true"))
    assert line.startswith(f"error: port {port} on 127.0.0.1 is taken")
    assert "--port (0 picks a free one)" in line


def test_no_property_test_has_a_deadline() -> None:
    # A busy machine must not fail a correct property: the suite's profile sets no deadline.
    assert settings.default.deadline is None
