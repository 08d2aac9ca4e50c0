"""Deduplication: works that are copies of the same article share one cluster."""

from harvester.dedup.clusters import update_clusters

__all__ = ["update_clusters"]
