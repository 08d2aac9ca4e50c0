"""Exports of a snapshot in the formats screening tools and reference managers import."""

from harvester.exports.files import FORMATS, export_records, load_snapshot_records

__all__ = ["FORMATS", "export_records", "load_snapshot_records"]
