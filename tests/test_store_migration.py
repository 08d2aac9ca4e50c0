"""A store written at schema v9 (snapshots as full copies) migrates to membership rows and
still gives, byte for byte, every `snapshots show/diff`, export and PRISMA figure it gave."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from harvester.replay import ReplayServer
from harvester.reporting.snapshots import StoredMember, review_snapshots, stored_members
from harvester.review import load_review
from harvester.snapshot import create_snapshot
from harvester.store import Store, open_store
from harvester.store.database import migrations
from tests.conftest import FIXTURES, REPLAY, run_cli, write_review
from tests.store_outputs import write_outputs

V9 = FIXTURES / "store-v9"


def test_a_v9_store_migrates_and_reports_the_same(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(V9 / "store.duckdb", db)
    shutil.copy(V9 / "review.toml", tmp_path / "review.toml")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (9,)
    with open_store(db) as store:
        assert store.schema_version == max(number for number, _, _ in migrations())
    names = write_outputs(db, tmp_path / "review.toml", tmp_path / "out")
    assert sorted(names) == sorted(p.name for p in (V9 / "expected").iterdir())
    different = [
        name
        for name in names
        if (tmp_path / "out" / name).read_bytes() != (V9 / "expected" / name).read_bytes()
    ]
    assert different == []


def _held(store: Store) -> dict[int, dict[str, StoredMember]]:
    return {s: stored_members(store, s) for s in review_snapshots(store, "t")}


def test_after_migration_a_snapshot_stores_only_what_changed(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(V9 / "store.duckdb", db)
    review = load_review(V9 / "review.toml")
    with open_store(db) as store:
        before = _held(store)
        entries = store.value("SELECT count(*) FROM snapshot_entries")
        # Nothing changed: the new snapshot holds the latest one's entries, adding no row.
        create_snapshot(store, review, run_id=5, now=datetime(2026, 1, 5))
        assert store.value("SELECT count(*) FROM snapshot_entries") == entries
        assert stored_members(store, 5) == before[4]
        # A record corrected later: a new entry for its cluster alone; older snapshots keep
        # the record as they held it.
        changed = store.value("SELECT min(cluster_id) FROM snapshot_members WHERE snapshot_id = 5")
        store.execute(
            "UPDATE works SET abstract = 'Changed.' WHERE work_id = ?",
            [before[4][changed][0][0]],
        )
        create_snapshot(store, review, run_id=6, now=datetime(2026, 1, 6))
        assert store.value("SELECT count(*) FROM snapshot_entries") == entries + 1
        after = _held(store)
        assert {s: after[s] for s in before} == before
        assert json.loads(after[6][changed][2])["abstract"] == "Changed."
        assert {c: m for c, m in after[6].items() if c != changed} == {
            c: m for c, m in before[4].items() if c != changed
        }


def test_records_stored_in_the_former_payload_form_are_known_unchanged(tmp_path: Path) -> None:
    """The v9 store holds payloads as json.dumps wrote them; asked for everything again, the
    same recorded pages are received as stored: nothing new, nothing changed."""
    db = tmp_path / "store.duckdb"
    shutil.copy(V9 / "store.duckdb", db)
    with ReplayServer(REPLAY / "living") as server:
        review = write_review(tmp_path / "r.toml", server.url, extra="local_filter = false\n")
        result = run_cli("run", review, "--full", "--db", db)
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        latest = con.execute("SELECT max(run_id) FROM run_sources").fetchone()
        counts = con.execute(
            """SELECT source, records, new_records, changed FROM run_sources
               WHERE run_id = ? ORDER BY source""",
            latest,
        ).fetchall()
        spaced = con.execute("SELECT count(*) FROM raw_records WHERE payload LIKE '{\"%\": %'")
        assert spaced.fetchone() == (98 + 22,)
    assert counts == [("crossref", 60, 0, 0), ("openalex", 38, 0, 0)]
