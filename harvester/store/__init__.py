"""The DuckDB store: one file holding runs, raw and normalized records, clusters, snapshots."""

from harvester.store.database import DEFAULT_PATH, Store, open_store

__all__ = ["DEFAULT_PATH", "Store", "open_store"]
