"""DuckDB's settings for the store: the memory cap, the variable that overrides it, the spill,
the block size of new files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pytest

from harvester.errors import StoreError
from harvester.store import open_store
from harvester.store.database import NEW_STORE_BLOCK_BYTES
from harvester.store.memory import DEFAULT_RULE, ENV, MB, MemoryRule, memory_limit, temp_directory

ROOT = Path(__file__).resolve().parents[1]
GB = 2**30


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        (16 * GB, "1024MB"),  # a quarter is 4 GB: the ceiling holds
        (2 * GB, "512MB"),  # a quarter
        (512 * MB, "256MB"),  # a quarter is 128 MB: the floor holds
    ],
)
def test_the_cap_is_a_share_of_the_machine_between_floor_and_ceiling(
    machine: int, expected: str
) -> None:
    assert memory_limit({}, DEFAULT_RULE, machine) == expected


def test_a_rule_of_its_own() -> None:
    assert memory_limit({}, MemoryRule(fraction=0.5, ceiling_mb=4096), 6 * GB) == "3072MB"


def test_the_variable_sets_the_cap_outright() -> None:
    assert memory_limit({ENV: " 3GB "}, DEFAULT_RULE, 16 * GB) == "3GB"
    assert memory_limit({ENV: ""}, DEFAULT_RULE, 16 * GB) == "1024MB"


def test_the_defaults_file_documents_the_rule() -> None:
    store = tomllib.loads((ROOT / "config" / "defaults.toml").read_text())["store"]
    assert store["memory_fraction"] == DEFAULT_RULE.fraction
    assert store["memory_max_mb"] == DEFAULT_RULE.ceiling_mb
    assert store["memory_min_mb"] == DEFAULT_RULE.floor_mb


def test_open_store_caps_duckdb_and_spills_beside_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "300MB")
    db = tmp_path / "h.duckdb"
    with open_store(db) as store:
        assert store.value("SELECT current_setting('memory_limit')") == "286.1 MiB"
        assert store.value("SELECT current_setting('temp_directory')") == str(temp_directory(db))
    assert temp_directory(db) == tmp_path / "h.duckdb.tmp"


def test_a_sort_larger_than_the_cap_spills_and_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "40MB")
    with open_store(tmp_path / "h.duckdb") as store:
        store.execute("SET threads = 1")
        # about 150 MB of strings, sorted: more than the cap can hold at once
        store.execute(
            "CREATE TABLE big AS SELECT i, md5(i::VARCHAR) || md5((i * 7)::VARCHAR) AS s"
            " FROM range(1500000) t(i)"
        )
        first = store.value("SELECT s FROM (SELECT s FROM big ORDER BY s) LIMIT 1 OFFSET 1000")
        assert isinstance(first, str) and len(first) == 64


def test_a_cap_duckdb_cannot_read_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "lots")
    with pytest.raises(StoreError, match=f"{ENV}='lots' is not a memory size"):
        open_store(tmp_path / "h.duckdb")


def test_a_new_store_has_small_blocks_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    with open_store(tmp_path / "new.duckdb") as store:
        assert store.value("SELECT block_size FROM pragma_database_size()") == 64 * 1024
    assert NEW_STORE_BLOCK_BYTES == 64 * 1024
    duckdb.connect(str(tmp_path / "old.duckdb")).close()  # DuckDB's default: 256 KiB
    with open_store(tmp_path / "old.duckdb") as store:
        assert store.value("SELECT block_size FROM pragma_database_size()") == 256 * 1024
        assert store.schema_version > 0
