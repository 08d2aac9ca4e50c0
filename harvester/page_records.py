"""A harvested page's raw records: each mapped to a work (or kept raw with why it could not
be), and how far a page moves its source's watermark."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harvester.connector import Connector
from harvester.errors import ConnectorError, SkippableRecordError
from harvester.json_records import JsonRecords
from harvester.store.known import Stored, payload_digest
from harvester.store.records import RawRecord
from harvester.work import Work


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


UNIDENTIFIED = "unidentified:"  # the id of a record without one of its own: + a hash


@dataclass(frozen=True)
class Received:
    """One record of a page as sent, identified, with its payload, before it is mapped. Its
    value is parsed only when asked for (a record sent as it is stored never is)."""

    page: Sequence[Any]  # the page's records, this one at `index`
    index: int
    source_id: str
    payload: str
    payload_sha: str
    error: str | None = None  # why it has no id of its own ("unidentified:<hash>")
    mapping_error: bool = False
    by_payload: bool = False  # identified by its payload hash in the store, not parsed

    @property
    def raw(self) -> Any:
        return self.page[self.index]


def receive(
    connector: Connector, raws: Sequence[Any], stored_ids: Mapping[str, str] | None = None
) -> list[Received]:
    """A page's records, each with its id and its payload. Records of a JSON page keep the
    text they were sent as; one whose hash is in `stored_ids` (source id by payload hash) is
    the stored record, and is not parsed."""
    if not isinstance(raws, JsonRecords):
        return [_identify(connector, raws, i, connector.payload(raw)) for i, raw in enumerate(raws)]
    stored_ids = stored_ids or {}
    records = []
    for index in range(len(raws)):
        sha = raws.digest(index)
        text = raws.text(index)
        known_as = stored_ids.get(sha)
        if known_as is None or known_as.startswith(UNIDENTIFIED):  # told again why it has none
            records.append(_identify(connector, raws, index, text, sha))
        else:
            records.append(Received(raws, index, known_as, text, sha, by_payload=True))
    return records


def _identify(
    connector: Connector, page: Sequence[Any], index: int, payload: str, sha: str | None = None
) -> Received:
    raw, sha = page[index], sha or payload_digest(payload)
    try:
        return Received(page, index, connector.source_id(raw), payload, sha)
    except SkippableRecordError as exc:
        error, mapping_error = exc.detail, False
    except Exception as exc:
        error, mapping_error = f"no record id: {described(exc)}", True
    # Named by the hash of its payload as first stored, so a store keeps knowing it.
    former = connector.former_payload(raw)
    digest = payload_digest(connector.payload(raw) if former is None else former)[:16]
    return Received(page, index, f"{UNIDENTIFIED}{digest}", payload, sha, error, mapping_error)


def as_stored(connector: Connector, record: Received, stored: Stored | None) -> Received:
    """`record` with the payload text the store holds for it, where that is the text an
    earlier version wrote for the same record (`Connector.payload`, then
    `Connector.former_payload`): known, not changed."""
    if stored is None or stored.payload_sha == record.payload_sha:
        return record
    for form in (connector.payload(record.raw), connector.former_payload(record.raw)):
        if form is not None and payload_digest(form) == stored.payload_sha:
            return replace(record, payload=form, payload_sha=stored.payload_sha)
    return record


def settle(
    connector: Connector,
    received: Sequence[Received],
    known: Mapping[str, Stored],
    stored_texts: Callable[[list[str]], Mapping[str, str]] | None = None,
) -> list[Received]:
    """The page's records, each with the payload the store holds for it where that is the
    same record: in a form an earlier version wrote (`as_stored`), or, for a record kept as
    the text it was sent as, the same value sent in another order or spacing (its stored
    text read by `stored_texts` for those records only)."""
    records = [as_stored(connector, r, known.get(r.source_id)) for r in received]
    differ = [r.source_id for r in records if _sent_otherwise(r, known)]
    if not differ or stored_texts is None:
        return records
    texts = stored_texts(differ)
    return [
        _same_value(connector, r, known[r.source_id], texts[r.source_id])
        if _sent_otherwise(r, known) and r.source_id in texts
        else r
        for r in records
    ]


def _sent_otherwise(record: Received, known: Mapping[str, Stored]) -> bool:
    """A record kept as sent whose text is not the stored one."""
    stored = known.get(record.source_id)
    return (
        stored is not None
        and stored.payload_sha != record.payload_sha
        and isinstance(record.page, JsonRecords)
    )


def _same_value(connector: Connector, record: Received, stored: Stored, text: str) -> Received:
    if connector.payload(connector.load_payload(text)) != connector.payload(record.raw):
        return record
    return replace(record, payload=text, payload_sha=stored.payload_sha)


@dataclass(frozen=True)
class Judge:
    """A local filter as a page's records are judged by it: its verdict on a work, and its key
    (filter_key), stored with each verdict it gives."""

    keep: Callable[[Work], bool]
    key: str


def map_received(
    connector: Connector,
    received: Sequence[Received],
    known: Mapping[str, Stored],
    number: int,
    *,
    judge: Judge | None = None,
    stored_texts: Callable[[list[str]], Mapping[str, str]] | None = None,
) -> list[RawRecord]:
    """A page's records mapped (and judged by `judge`, the source's local filter, if any),
    except those the store holds unchanged and mapped. Where a local filter judges, an
    unchanged record keeps its stored verdict only if that filter gave it; any other is mapped
    to be judged afresh. A page none of whose records maps fails the source instead of passing
    as a page of unusable records."""
    key = None if judge is None else judge.key
    records = []
    for record in settle(connector, received, known, stored_texts):
        stored = known.get(record.source_id)
        if (
            stored is not None
            and stored.mapped
            and stored.payload_sha == record.payload_sha
            and (key is None or (stored.judged_by == key and stored.linked is not None))
        ):
            verdict = True if key is None else bool(stored.linked)
            records.append(_known(connector, record, verdict, key))
        else:
            records.append(_map(connector, record, judge))
    if records and all(r.work is None and not r.known for r in records):
        raise ConnectorError(
            f"no record of page {number} could be mapped ({len(records)} records; "
            f"the first: {records[0].error})"
        )
    return records


def _known(
    connector: Connector, record: Received, matched: bool, judged_by: str | None
) -> RawRecord:
    # Known by its text alone, it is not parsed for its date: it does not move the watermark,
    # which only ever lags (the source is asked from an earlier date if this run fails).
    updated = None if record.by_payload else connector.updated_at(record.raw)
    return RawRecord(
        record.source_id,
        record.payload,
        None,
        matched=matched,
        known=True,
        updated=updated,
        payload_sha=record.payload_sha,
        judged_by=judged_by,
    )


def _map(connector: Connector, record: Received, judge: Judge | None) -> RawRecord:
    """Map one record, and judge it; one that cannot be mapped is kept raw and counted, not
    fatal.

    A SkippableRecordError is the source's record being unusable (no identifier); anything else
    the mapping raises is counted apart as a mapping error: a connector bug, or a record shape
    the connector does not know. (What the local filter raises is no mapping error.)
    """
    source_id, payload, sha = record.source_id, record.payload, record.payload_sha
    if record.error is not None:
        return RawRecord(
            source_id,
            payload,
            None,
            record.error,
            mapping_error=record.mapping_error,
            payload_sha=sha,
        )
    try:
        work = connector.to_work(record.raw)
    except SkippableRecordError as exc:
        return RawRecord(source_id, payload, None, exc.detail, payload_sha=sha)
    except Exception as exc:
        return RawRecord(
            source_id, payload, None, described(exc), mapping_error=True, payload_sha=sha
        )
    if judge is None:
        return RawRecord(source_id, payload, work, payload_sha=sha)
    matched = judge.keep(work)
    return RawRecord(
        source_id, payload, work, payload_sha=sha, matched=matched, judged_by=judge.key
    )


def page_watermark(
    connector: Connector, records: Sequence[RawRecord], until: datetime
) -> datetime | None:
    """How far a page moves the watermark: only for sources sorted by update date."""
    if not connector.ordered_by_update or not records:
        return None
    stamps = [s for r in records if (s := r.work.updated if r.work else r.updated)]
    if not stamps:
        return None
    try:
        latest = max(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps)
    except ValueError:
        return None
    latest = latest.astimezone(UTC).replace(tzinfo=None) if latest.tzinfo else latest
    return min(latest, until)
