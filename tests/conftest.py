"""Shared test helpers: fixture paths, a store in a temp dir, the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from harvester.http import HttpClient
from harvester.review import load_review
from harvester.runner import RunResult, run_review
from harvester.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
API = FIXTURES / "api"
REPLAY = FIXTURES / "replay"

# No test may depend on the machine's speed: hypothesis' per-example deadline and its "too
# slow" health check fail a correct property on a busy CI machine, so neither applies here.
settings.register_profile("harvester", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("harvester")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store" / "harvester.duckdb") as opened:
        yield opened


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `harvester ARGS...` as a user would, in a fresh process."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.pop("HARVESTER_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "harvester", *map(str, args)],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write_review(
    path: Path,
    base_url: str,
    *,
    sources: tuple[str, ...] = ("crossref", "openalex"),
    query: str = "widget* OR citation*",
    extra: str = "",
) -> Path:
    """A review file whose sources all point at a replay server."""
    blocks = [
        '[review]\nid = "t"\ntitle = "test review"\ncontact = "test@example.org"\n',
        f"[query]\ntext = '{query}'\n",
    ]
    for name in sources:
        blocks.append(
            f'[[sources]]\nconnector = "{name}"\nbase_url = "{base_url}/{name}"\n'
            f"rate_limit = 1000\n{extra}"
        )
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def run_at(
    store: Store, review: Path, when: datetime, sleep: Callable[[float], None] = lambda s: None
) -> RunResult:
    """Run a review file as if at `when`, through the real HTTP stack; waits go to `sleep`."""
    with HttpClient(max_attempts=1, sleep=sleep) as http:
        return run_review(load_review(review), store, http=http, clock=lambda: when)
