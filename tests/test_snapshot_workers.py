"""A snapshot's records made in worker processes are the records made here, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester import snapshot_entries, workers
from harvester.store import Store, open_store
from tests.conftest import API
from tests.test_snapshot_changes import harvest, openalex_raw, publish

ENTRIES = "SELECT * EXCLUDE (first_snapshot, last_snapshot) FROM snapshot_entries ORDER BY ALL"


def filled(store: Store) -> None:
    """Recorded Crossref and OpenAlex records, the same DOI from both sources now and then."""
    pages = ("works-query-widget-cursor-star-page1.json", "works-query-ecology-query-author.json")
    for name in pages:
        body = json.loads((API / "crossref" / name).read_text(encoding="utf-8"))
        harvest(store, 1, "crossref", *body["message"]["items"])
    harvest(store, 1, "openalex", *(openalex_raw(i) for i in range(20)))


def test_records_made_by_workers_are_those_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "here.duckdb") as here:
        filled(here)
        publish(here, 1)
        expected = here.rows(ENTRIES)
    monkeypatch.setattr(snapshot_entries, "REMAKE_CHUNK", 7)  # several chunks...
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)  # ...spread over two workers
    made: list[int] = []
    pool_size = workers.pool_size
    monkeypatch.setattr(
        "harvester.snapshot.pool_size", lambda worth: made.append(n := pool_size(worth)) or n
    )
    with open_store(tmp_path / "spread.duckdb") as spread:
        filled(spread)
        publish(spread, 1)
        assert spread.rows(ENTRIES) == expected
    assert made == [2] and len(expected) > 3 * 7
