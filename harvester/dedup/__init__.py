"""Deduplication: works that are copies of the same article share one cluster.

`update_clusters` runs inside the store after each harvest; `deduplicate` works on records in
memory (the `harvester dedup` command). Both use the same stages: see docs/deduplication.md.
"""

from harvester.dedup.clusters import update_clusters
from harvester.dedup.engine import deduplicate
from harvester.dedup.rules import Settings

__all__ = ["Settings", "deduplicate", "update_clusters"]
