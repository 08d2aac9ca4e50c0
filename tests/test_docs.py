"""Docs that cannot drift: the README's examples run, and documented defaults match the code."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

from harvester.filesources.config import FILE_SOURCE_KEYS, SEARCH_KEYS
from harvester.http import (
    DEFAULT_TIMEOUT,
    MAX_RESPONSE_BYTES,
    MAX_RETRY_AFTER,
    REQUEST_DEADLINE,
    HttpClient,
)
from harvester.registry import connectors
from harvester.review import DEFAULT_OVERLAP_DAYS, SCHEDULES, SOURCE_KEYS, load_review
from harvester.store import DEFAULT_PATH
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
DEFAULTS = tomllib.loads((ROOT / "config" / "defaults.toml").read_text(encoding="utf-8"))


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_review_example_is_the_bundled_review(tmp_path: Path) -> None:
    example = blocks("toml")[0]
    path = tmp_path / "egov-oss.toml"
    path.write_text(example, encoding="utf-8")
    shown, bundled = load_review(path), load_review(ROOT / "config" / "reviews" / "egov-oss.toml")
    assert shown.query == bundled.query
    assert shown.sources == bundled.sources
    assert (shown.id, shown.schedule) == (bundled.id, bundled.schedule)


@pytest.mark.parametrize(
    "command",
    [
        line[2:]
        for block in blocks("console")
        for line in block.splitlines()
        if line.startswith("$ harvester ")
    ],
)
def test_readme_console_examples_run(command: str) -> None:
    result = run_cli(*shlex.split(command)[1:])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_readme_documents_every_source_key_and_connector() -> None:
    for key in SOURCE_KEYS:
        assert f"| `{key}` |" in README, key
    for name in connectors():
        assert name in README.lower(), name


def test_readme_file_source_example_loads(tmp_path: Path) -> None:
    example = blocks("toml")[1]
    path = tmp_path / "review.toml"
    path.write_text(f'[review]\nid = "x"\n[query]\ntext = "x"\n{example}', encoding="utf-8")
    (source,) = load_review(path).sources
    assert source.files is not None and source.files.searches[0].hits == 212


def test_readme_documents_every_file_source_key() -> None:
    for key in (FILE_SOURCE_KEYS.keys() - {"connector", "name"}) | SEARCH_KEYS.keys():
        assert f"| `{key}` |" in README, key


def test_defaults_file_matches_the_code() -> None:
    assert Path(DEFAULTS["store"]["path"]) == DEFAULT_PATH
    assert DEFAULTS["review"]["overlap_days"] == DEFAULT_OVERLAP_DAYS
    assert DEFAULTS["review"]["schedule"] in SCHEDULES
    assert DEFAULTS["http"]["max_attempts"] == HttpClient().max_attempts
    assert DEFAULTS["http"]["timeout_seconds"] == DEFAULT_TIMEOUT.read
    assert DEFAULTS["http"]["max_retry_after_seconds"] == MAX_RETRY_AFTER
    assert DEFAULTS["http"]["request_deadline_seconds"] == REQUEST_DEADLINE
    assert DEFAULTS["http"]["max_response_mb"] * 2**20 == MAX_RESPONSE_BYTES
    assert DEFAULTS["rate_limit"] == {name: cls.rate_limit for name, cls in connectors().items()}


DOCS = ROOT / "docs"


def test_every_registered_connector_is_documented() -> None:
    text = (DOCS / "connectors.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (\S+)$", text, flags=re.MULTILINE))
    missing = set(connectors()) - documented
    assert not missing, f"docs/connectors.md lacks sections for: {', '.join(sorted(missing))}"


def test_adding_a_connector_quotes_real_code() -> None:
    text = (DOCS / "adding-a-connector.md").read_text(encoding="utf-8")
    shown = re.search(
        r"## A real connector: `(connectors/\w+\.py)`.*?```python\n(.*?)```", text, flags=re.DOTALL
    )
    assert shown is not None
    assert shown.group(2) == (ROOT / shown.group(1)).read_text(encoding="utf-8")


def test_file_source_docs_examples_load(tmp_path: Path) -> None:
    garuda = (DOCS / "sources" / "garuda.md").read_text(encoding="utf-8")
    (review,) = re.findall(r"```toml\n(.*?)```", garuda, flags=re.DOTALL)
    path = tmp_path / "garuda.toml"
    path.write_text(review, encoding="utf-8")
    loaded = load_review(path)
    assert [s.connector for s in loaded.sources] == ["oai_pmh", "files"]
    assert loaded.screening_language == "en"
    guide = (DOCS / "file-sources.md").read_text(encoding="utf-8")
    (source,) = re.findall(r"```toml\n(.*?)```", guide, flags=re.DOTALL)
    path.write_text(f'[review]\nid = "x"\n[query]\ntext = "x"\n{source}', encoding="utf-8")
    (files,) = load_review(path).sources
    assert files.files is not None and files.files.database == "Web of Science Core Collection"
    bundled = load_review(ROOT / "config" / "reviews" / "egov-oss.toml")
    assert "garuda" in [s.name for s in bundled.sources if s.files is not None]


def test_every_fault_in_the_reliability_matrix_names_a_real_test() -> None:
    text = (DOCS / "reliability.md").read_text(encoding="utf-8")
    matrix = text.split("## Fault matrix", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in matrix.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| fault | what harvester does | test |")
    assert len(rows[1:]) >= 40
    for row in rows[1:]:
        shown = row.rstrip(" |").rsplit(" | ", 1)[1]
        names = re.findall(r"`([\w/]+\.py)::(\w+)`", shown)
        assert names, row
        for file, test in names:
            path = ROOT / (file if "/" in file else f"tests/{file}")
            assert re.search(rf"^    def {test}\(|^def {test}\(", path.read_text(), re.M), (
                f"{file}::{test} is not a test"
            )
