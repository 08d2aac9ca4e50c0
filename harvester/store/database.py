"""Opening the DuckDB store: one file, one writer, numbered migrations run on open."""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from harvester.errors import StoreError, StoreLockedError
from harvester.store.memory import ENV as MEMORY_ENV
from harvester.store.memory import memory_limit, temp_directory

DEFAULT_PATH = Path("data") / "harvester.duckdb"
# Block size of a store file created from now on (an existing file keeps its own). Each
# checkpoint writes the blocks it changes anew before freeing the old ones: with DuckDB's
# 256 KiB blocks a run's few bookkeeping rows (runs, run_sources, harvest_state) cost about
# 2 MB of growth on the 200k store; with 64 KiB blocks 0.56 MB, the store no larger.
NEW_STORE_BLOCK_BYTES = 64 * 1024
# Write-ahead log size at which DuckDB checkpoints. Its default (16 MB) is three pages of
# Crossref records, and each checkpoint costs more as the store grows (at 533k records, 256 MB
# spent 42% of a harvest in commits). At 2 GB a large harvest checkpoints a few times; a killed
# run replays at most that much log when the store is next opened.
CHECKPOINT_THRESHOLD = "2GB"
# How DuckDB compresses text as it checkpoints (other types keep its own choice). Its default
# analysis of every text segment (FSST, dictionaries) took 4.3 s to checkpoint 50k harvested
# records, whose payloads are most of the data; zstd 0.94 s, and the file is 53 MB, not 129.
STRING_COMPRESSION = "zstd"
_LOCK_PID = re.compile(r"PID (\d+)")
_MIGRATION = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# DuckDB's words when the file system refuses a write ("Could not write file "x.wal": ...").
_WRITE_FAILED = re.compile(r'Could not \w+ file "([^"]+)": ([^\n]+)')
_WRITE_REASONS = {
    "no space left on device": "disk full",
    "file too large": "file size limit reached",
    "disk quota exceeded": "disk quota exceeded",
    "read-only file system": "read-only file system",
}


def store_failure(exc: duckdb.Error, path: Path) -> StoreError | None:
    """The one-line StoreError for a failure of the store itself (its disk, its file), or None
    for any other DuckDB error (a bug in a statement, which must surface as it is)."""
    message = str(exc)
    written = _WRITE_FAILED.search(message)
    if written:
        file, detail = written.groups()
        reason = _WRITE_REASONS.get(detail.strip().rstrip(".").lower(), detail.strip())
        return StoreError(f"{reason} writing {file}")
    if isinstance(exc, duckdb.IOException | duckdb.FatalException) or "invalidated" in message:
        return StoreError(f"the store {path} cannot be written: {message.splitlines()[0]}")
    return None


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("harvester.store.migrations").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """A connection to the store. Use `transaction()` for every group of writes.

    Several threads may share one Store (sources harvested side by side): each statement and
    each whole transaction holds `lock`, so one thread writes at a time and no statement of
    another thread lands inside someone else's transaction.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self.lock = threading.RLock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self.failures():
            self.con.close()  # a checkpoint: the last write to the file

    @contextmanager
    def failures(self) -> Iterator[None]:
        """A failure of the store itself (disk full) becomes one StoreError naming the file."""
        try:
            yield
        except duckdb.Error as exc:
            failure = store_failure(exc, self.path)
            if failure is None:
                raise
            raise failure from None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: a failure inside leaves the store as it was."""
        with self.lock, self.failures():
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # the failure inside is what matters
                    self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    def execute(self, sql: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        with self.lock, self.failures():
            return self.con.execute(sql, params)

    def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with self.lock, self.failures():
            return self.con.execute(sql, params).fetchall()

    def value(self, sql: str, params: Any = None) -> Any:
        with self.lock, self.failures():
            row = self.con.execute(sql, params).fetchone()
        return row[0] if row else None

    def dicts(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        with self.lock:
            cursor = self.execute(sql, params)
            columns = [d[0] for d in cursor.description or []]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    @property
    def schema_version(self) -> int:
        return int(self.value("SELECT coalesce(max(version), 0) FROM schema_version"))


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at `path` and bring its schema up to date."""
    file = Path(path) if path else DEFAULT_PATH
    if read_only and not file.exists():
        raise StoreError(f"no store at {file}; run a review first (harvester run REVIEW_FILE)")
    if not read_only:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store directory {file.parent}: {exc}") from None
    # DuckDB's buffer cache capped (harvester.store.memory); past the cap it spills to disk.
    config: dict[str, Any] = {
        "memory_limit": memory_limit(),
        "temp_directory": str(temp_directory(file)),
        "default_block_size": NEW_STORE_BLOCK_BYTES,
        "checkpoint_threshold": CHECKPOINT_THRESHOLD,
        "force_compression": STRING_COMPRESSION,
    }
    try:
        con = duckdb.connect(str(file), read_only=read_only, config=config)
    except duckdb.ParserException as exc:  # only the settings are parsed on connect
        raise StoreError(
            f"{MEMORY_ENV}={config['memory_limit']!r} is not a memory size "
            f"(say 2GB or 512MB): {str(exc).splitlines()[0]}"
        ) from None
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            pid = _LOCK_PID.search(message)
            holder = f"pid {pid.group(1)}" if pid else "another process"
            raise StoreLockedError(
                f"store {file} is locked by {holder} (another harvester run?); "
                "wait for it to finish or use --db for another store"
            ) from None
        raise StoreError(f"cannot open store {file}: {message.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise StoreError(f"{file} is not a harvester store: {str(exc).splitlines()[0]}") from None
    store = Store(con, file, read_only)
    try:
        _migrate(store)
    except BaseException:
        con.close()
        raise
    return store


def _migrate(store: Store) -> None:
    pending_check = store.value(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    )
    current = store.schema_version if pending_check else 0
    applied = (
        {row[0] for row in store.rows("SELECT version FROM schema_version")}
        if pending_check
        else set()
    )
    # Every bundled migration not yet applied, not only those above the highest: migrations
    # written on parallel branches may land with lower numbers after a higher one ran.
    pending = [m for m in migrations() if m[0] not in applied]
    if not pending:
        return
    if store.read_only:
        raise StoreError(
            f"store {store.path} uses an older schema (v{current}); "
            "open it once for writing (harvester run) to upgrade"
        )
    with store.transaction() as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for number, name, sql in pending:
            con.execute(sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [number, name])


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """`table` readable as `name` in `con` (not copied) while the block runs."""
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)
