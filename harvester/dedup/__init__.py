"""Deduplication: works that are copies of the same article share one cluster.

`update_clusters` runs inside the store after each harvest; `deduplicate` works on records in
memory (the `harvester dedup` command). Both use the same stages: see docs/deduplication.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester.lazy import lazy_exports

# Imported on first use: the in-memory engine (`harvester dedup`) does not need the store.
_EXPORTS = {
    "update_clusters": "harvester.dedup.clusters",
    "deduplicate": "harvester.dedup.engine",
    "Settings": "harvester.dedup.rules",
}

if TYPE_CHECKING:
    from harvester.dedup.clusters import update_clusters
    from harvester.dedup.engine import deduplicate
    from harvester.dedup.rules import Settings


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = ["Settings", "deduplicate", "update_clusters"]
