"""A harvested page's raw records: each mapped to a work (or kept raw with why it could not
be), and how far a page moves its source's watermark."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harvester.connector import Connector
from harvester.errors import ConnectorError, SkippableRecordError
from harvester.store.records import RawRecord


def described(exc: BaseException) -> str:
    """`Type: message (at file:line in function)`: where a bug is, without a whole traceback.

    The innermost frame, and the innermost outside harvester's own package (the connector's
    code) when that is another one.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return f"{type(exc).__name__}: {exc}"
    own = str(Path(__file__).resolve().parent)
    outside = [f for f in frames if not str(Path(f.filename).resolve()).startswith(own)]
    shown = [frames[-1]] + ([outside[-1]] if outside and outside[-1] is not frames[-1] else [])
    where = ", from ".join(f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in shown)
    return f"{type(exc).__name__}: {exc} (at {where})"


def _short(filename: str) -> str:
    """A frame's file from its package down (connectors/crossref.py), not the whole path."""
    parts = Path(filename).parts
    for root in ("harvester", "connectors"):
        if root in parts:
            return "/".join(parts[len(parts) - 1 - parts[::-1].index(root) :])
    return "/".join(parts[-2:])


def map_page(connector: Connector, raws: Sequence[Any], number: int) -> list[RawRecord]:
    """Map a page; a page none of whose records maps fails the source instead of passing as
    a page of unusable records."""
    records = [_map(connector, raw) for raw in raws]
    if records and all(r.work is None for r in records):
        raise ConnectorError(
            f"no record of page {number} could be mapped ({len(records)} records; "
            f"the first: {records[0].error})"
        )
    return records


def _map(connector: Connector, raw: Any) -> RawRecord:
    """Map one record; one that cannot be mapped is kept raw and counted, not fatal.

    A SkippableRecordError is the source's record being unusable (no identifier); anything else
    the mapping raises is counted apart as a mapping error: a connector bug, or a record shape
    the connector does not know.
    """
    try:
        source_id = connector.source_id(raw)
    except SkippableRecordError as exc:
        return _unidentified(connector, raw, exc.detail, mapping_error=False)
    except Exception as exc:
        return _unidentified(connector, raw, f"no record id: {described(exc)}", mapping_error=True)
    payload = connector.payload(raw)
    try:
        return RawRecord(source_id, payload, connector.to_work(raw))
    except SkippableRecordError as exc:
        return RawRecord(source_id, payload, None, exc.detail)
    except Exception as exc:
        return RawRecord(source_id, payload, None, described(exc), mapping_error=True)


def _unidentified(connector: Connector, raw: Any, error: str, *, mapping_error: bool) -> RawRecord:
    payload = connector.payload(raw)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return RawRecord(f"unidentified:{digest}", payload, None, error, mapping_error=mapping_error)


def page_watermark(
    connector: Connector, records: Sequence[RawRecord], until: datetime
) -> datetime | None:
    """How far a page moves the watermark: only for sources sorted by update date."""
    if not connector.ordered_by_update or not records:
        return None
    stamps = [w.updated for r in records if (w := r.work) is not None and w.updated]
    if not stamps:
        return None
    try:
        latest = max(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps)
    except ValueError:
        return None
    latest = latest.astimezone(UTC).replace(tzinfo=None) if latest.tzinfo else latest
    return min(latest, until)
