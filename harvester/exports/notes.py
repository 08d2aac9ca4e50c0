"""The note every exported entry carries: its cluster, the sources that found it, retractions.

Formats without a column for each (RIS N1, BibTeX note, Rayyan notes) carry this one line, so a
screener sees a retraction in any tool.
"""

from __future__ import annotations

from typing import Any


def retraction_flag(record: dict[str, Any]) -> str:
    """ "RETRACTED" (with the notices that say so, when known), or "" for a standing record."""
    if not record.get("retracted"):
        return ""
    notices = record.get("retraction_notices") or []
    return f"RETRACTED (notice: {', '.join(notices)})" if notices else "RETRACTED"


def record_note(record: dict[str, Any]) -> str:
    parts = [
        f"harvester cluster {record['cluster_id']}",
        f"sources: {', '.join(record.get('sources') or [])}",
    ]
    if flag := retraction_flag(record):
        parts.append(flag)
    if record.get("retracts"):
        parts.append(f"retraction notice for {', '.join(record['retracts'])}")
    if links := links_text(record):
        parts.append(f"linked: {links}")
    return "; ".join(parts)


def links_text(record: dict[str, Any]) -> str:
    """ "published version: c0000012, retraction notice: c0000031" (harvester.reporting.links)."""
    return ", ".join(f"{link['kind']}: {link['cluster_id']}" for link in record.get("links") or [])
