"""A store written at schema v9 (snapshots as full copies) migrates to membership rows and
still gives, byte for byte, every `snapshots show/diff`, export and PRISMA figure it gave."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from harvester.store import open_store
from harvester.store.database import migrations
from tests.conftest import FIXTURES
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
