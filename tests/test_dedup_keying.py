"""Works are keyed in chunks, in worker processes for many: the same keys as one by one."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime

import pytest

from harvester import workers
from harvester.dedup import keying
from harvester.dedup.keys import keys_table
from harvester.store import Store
from harvester.store.records import upsert_works
from harvester.work import Work

NOW = datetime(2025, 1, 1)


def works(count: int) -> list[Work]:
    base = Work(
        source="crossref",
        source_id="0",
        doi=None,
        title="Effects of an intervention [Spanish] (vol 3, pg 12, 2009)",
        authors=("van der Berg, Anna", "Smith J. A."),
        year=2009,
        venue="Revista Medica: Suppl 2",
        volume="3",
        pages="S12-S19",
        ids={"pmid": "123"},
        other_titles=("Efectos de una intervencion",),
    )
    return [
        dataclasses.replace(base, source_id=str(n), title=f"{base.title} {n}", year=2000 + n % 9)
        for n in range(count)
    ]


@pytest.mark.parametrize("parallel_from", [0, 10**9])
def test_chunks_and_workers_key_as_one_by_one(
    store: Store, monkeypatch: pytest.MonkeyPatch, parallel_from: int
) -> None:
    records = works(23)
    with store.transaction() as con:
        upsert_works(con, records, NOW)
        con.execute("CREATE OR REPLACE TEMP TABLE fresh AS SELECT work_id FROM works")
        monkeypatch.setattr(keying, "KEY_CHUNK", 4)
        monkeypatch.setattr(keying, "PARALLEL_FROM", parallel_from)
        keyed = keying.fresh_keys(con, len(records))
    expected = keys_table((f"crossref:{w.source_id}", w) for w in records)
    assert keyed.sort_by("work_id").to_pylist() == expected.sort_by("work_id").to_pylist()


def test_workers_start_from_a_fork_server_beside_other_threads(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In `serve`, web and scheduler threads run beside deduplication: its workers are not
    forked from that process, and key the same."""
    records = works(9)
    release = threading.Event()
    beside = threading.Thread(target=release.wait, daemon=True)
    beside.start()
    try:
        assert workers.start_method() == "forkserver"
        with store.transaction() as con:
            upsert_works(con, records, NOW)
            con.execute("CREATE OR REPLACE TEMP TABLE fresh AS SELECT work_id FROM works")
            monkeypatch.setattr(keying, "KEY_CHUNK", 4)
            monkeypatch.setattr(keying, "PARALLEL_FROM", 0)
            monkeypatch.setattr(workers, "usable_cores", lambda: 2)
            keyed = keying.fresh_keys(con, len(records))
    finally:
        release.set()
        beside.join()
    expected = keys_table((f"crossref:{w.source_id}", w) for w in records)
    assert keyed.sort_by("work_id").to_pylist() == expected.sort_by("work_id").to_pylist()
