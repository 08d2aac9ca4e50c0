"""Backups while serving: the worker copies the store between jobs, so no other process needs
to open it (DuckDB lets one process hold a store file open for writing).

A copy is one transaction (`COPY FROM DATABASE`), written under a temporary name and renamed,
so a backup file is whole or absent; the newest `keep` copies are kept.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from harvester.store import Store

log = logging.getLogger("harvester.service")
PREFIX = "harvester-"


@dataclass(frozen=True)
class BackupPolicy:
    directory: Path
    every: timedelta = timedelta(hours=24)
    keep: int = 7

    def backups(self) -> list[Path]:
        """Existing backups, oldest first (their names sort by time)."""
        return sorted(self.directory.glob(f"{PREFIX}*.duckdb"))

    def due(self, now: datetime) -> bool:
        existing = self.backups()
        if not existing:
            return True
        stamp = existing[-1].stem.removeprefix(PREFIX)
        try:
            last = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
        except ValueError:
            return True
        return now - last >= self.every


def write_backup(store: Store, policy: BackupPolicy, now: datetime) -> Path:
    """Copy the whole store to DIR/harvester-<UTC time>.duckdb; drop copies beyond `keep`."""
    policy.directory.mkdir(parents=True, exist_ok=True)
    target = policy.directory / f"{PREFIX}{now:%Y%m%dT%H%M%SZ}.duckdb"
    temporary = target.with_name(f".{target.name}.partial")
    temporary.unlink(missing_ok=True)
    name = store.value("SELECT current_database()")
    store.execute(f"ATTACH '{_quoted(temporary)}' AS harvester_backup")
    try:
        store.execute(f'COPY FROM DATABASE "{name}" TO harvester_backup')
    finally:
        store.execute("DETACH harvester_backup")
    os.replace(temporary, target)
    for old in policy.backups()[: -policy.keep]:
        old.unlink(missing_ok=True)
    return target


def backup_if_due(store: Store, policy: BackupPolicy | None, now: datetime) -> None:
    """Called by the worker between jobs; a failed backup is logged and tried again next time."""
    if policy is None or not policy.due(now):
        return
    try:
        path = write_backup(store, policy, now)
    except (OSError, duckdb.Error) as exc:
        log.error(
            "backup to %s failed: %s", policy.directory, exc, extra={"event": "backup_failed"}
        )
        return
    log.info("store backed up to %s", path, extra={"event": "backup", "file": str(path)})


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
