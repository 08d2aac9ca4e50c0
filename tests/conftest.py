"""Shared test helpers: fixture paths, a store in a temp dir, the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from harvester.dedup import update_clusters
from harvester.http import HttpClient
from harvester.review import load_review
from harvester.runner import RunResult, run_review
from harvester.snapshot import create_snapshot
from harvester.store import Store, open_store
from harvester.store.records import RawRecord, write_page
from harvester.store.runs import start_run
from harvester.work import Work

# Hypothesis fails an example slower than 200 ms by default: a timing assertion, which a busy
# machine (CI shares its cores) turns into a failure of code that is correct.
settings.register_profile("harvester", deadline=None)
settings.load_profile("harvester")

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


def publish_snapshot(
    db: Path, review: Path, works: Sequence[Work], when: datetime = datetime(2024, 5, 1)
) -> None:
    """Store `works` (grouped by their source) for the review in `review`, deduplicate them
    and publish a snapshot, as a run would, without any source being asked."""
    loaded = load_review(review)
    with open_store(db) as store:
        run_id = start_run(store, loaded.id, when, False)
        with store.transaction() as con:
            for source in sorted({w.source for w in works}):
                write_page(
                    con,
                    run_id=run_id,
                    review_id=loaded.id,
                    source=source,
                    connector=source,
                    records=[RawRecord(w.source_id, "{}", w) for w in works if w.source == source],
                    now=when,
                )
        update_clusters(store, run_id=run_id, now=when)
        create_snapshot(store, loaded, run_id=run_id, now=when)


def run_at(
    store: Store, review: Path, when: datetime, sleep: Callable[[float], None] = lambda s: None
) -> RunResult:
    """Run a review file as if at `when`, through the real HTTP stack; waits go to `sleep`."""
    with HttpClient(max_attempts=1, sleep=sleep) as http:
        return run_review(load_review(review), store, http=http, clock=lambda: when)
