"""Test helpers harvester ships for connector authors (see `conformance`)."""

from harvester.testing.conformance import ConnectorConformance, RecordedFetch

__all__ = ["ConnectorConformance", "RecordedFetch"]
