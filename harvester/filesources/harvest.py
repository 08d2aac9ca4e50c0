"""Importing a file source: every exported file not imported before, one search each.

A file is known by its content (SHA-256): a run imports the files whose content it has not
seen, so re-running imports nothing twice and a file changed in place is a new import that
supersedes the one before it at that path (its records no longer in the file leave the
review's set). Each record is stored as "<source>:<path>#<its id in the file>" with its file,
the file's hash and date, and its position. A file that cannot be read is reported by name and
left for the next run; the other files and sources go on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from harvester.errors import InputError
from harvester.filesources.config import FILES_CONNECTOR, DeclaredSearch, FileSpec
from harvester.filesources.databases import recognise_database
from harvester.filesources.imports import (
    FileImport,
    FileRecord,
    import_work_ids,
    imported_hashes,
    latest_at_path,
    record_import,
)
from harvester.inputs import RawEntry, build_record, detect_format, read_entries
from harvester.inputs.text import read_bytes
from harvester.query.local_filter import local_filter
from harvester.review import Review, SourceConfig
from harvester.runner import RunObserver, SourceResult
from harvester.store import Store
from harvester.store import runs as bookkeeping
from harvester.store.records import RawRecord, write_page
from harvester.work import Work


@dataclass(frozen=True)
class ReadFile:
    """An exported file read whole, before anything is written."""

    path: Path
    relative: str
    sha256: str
    format: str
    records: list[RawRecord]
    positions: list[FileRecord]
    database: str | None
    search: DeclaredSearch | None


def _record_id(entry: RawEntry, work: Work, taken: set[str]) -> str:
    """The record's id in its file; else its PMID or DOI; else a digest of what it says.
    Repeats in one file get "~2", "~3" so no record of a file is lost."""
    base = (entry.record_id or "").strip() or work.ids.get("pmid") or work.doi
    if not base:
        summary = "|".join(str(v) for v in (work.title, work.year, *work.authors[:3]))
        base = "sha:" + hashlib.sha256(summary.encode()).hexdigest()[:12]
    rid, n = base, 1
    while rid in taken:
        n += 1
        rid = f"{base}~{n}"
    taken.add(rid)
    return rid


def read_export(
    path: Path, relative: str, data: bytes, source: SourceConfig, spec: FileSpec
) -> ReadFile:
    """Parse one exported file into the records it will store (raises InputError)."""
    fmt = detect_format(path)
    entries = read_entries(path)
    sha = hashlib.sha256(data).hexdigest()
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
    records, positions, taken = [], [], set[str]()
    for entry in entries:
        work = build_record(entry).work
        rid = _record_id(entry, work, taken)
        work = replace(work, source=source.name, source_id=f"{relative}#{rid}")
        provenance = {
            "file": relative,
            "sha256": sha,
            "file_date": stamp.isoformat(timespec="seconds"),
            "record_id": rid,
            "position": entry.position,
            "format": fmt,
            "fields": dict(entry.fields),
        }
        payload = json.dumps(provenance, ensure_ascii=False, default=str)
        records.append(RawRecord(work.source_id, payload, work))
        positions.append(FileRecord(work.key, rid, entry.position))
    search = spec.search_for(relative)
    text = data[:65536].decode("utf-8", "replace")
    database = (search and search.database) or spec.database or recognise_database(text)
    return ReadFile(path, relative, sha, fmt, records, positions, database, search)


def _shortfall(found: ReadFile) -> str | None:
    hits = found.search.hits if found.search else None
    if hits is None or len(found.records) >= hits:
        return None
    return (
        f"{len(found.records):,} records, fewer than the {hits:,} hits declared for it "
        "(an export cut short, or the database's export limit?)"
    )


def _store_file(
    store: Store,
    review: Review,
    source: SourceConfig,
    found: ReadFile,
    *,
    run_id: int,
    keep: Callable[[Work], bool] | None,
    now: datetime,
) -> tuple[FileImport, int, int]:
    """Write one file's records and its import in one transaction; (import, new, changed)."""
    previous = latest_at_path(store, review.id, source.name, found.relative)
    before = import_work_ids(store, review.id, source.name, previous.sha256) if previous else set()
    now_ids = {p.work_id for p in found.positions}
    records = found.records
    if keep is not None:
        records = [
            r if r.work is None or keep(r.work) else replace(r, matched=False) for r in records
        ]
    search = found.search or DeclaredSearch(found.relative)
    entry = FileImport(
        source=source.name,
        sha256=found.sha256,
        path=found.relative,
        file_date=datetime.fromtimestamp(found.path.stat().st_mtime, UTC).replace(tzinfo=None),
        size=found.path.stat().st_size,
        format=found.format,
        records=len(records),
        added=len(now_ids - before) if previous else len(now_ids),
        dropped=len(before - now_ids),
        supersedes=previous.sha256 if previous else None,
        database=found.database,
        searched_on=search.date,
        query=search.query,
        declared_hits=search.hits,
        flag=_shortfall(found),
        run_id=run_id,
        imported_at=now,
    )
    with store.transaction() as con:
        counts = write_page(
            con,
            run_id=run_id,
            review_id=review.id,
            source=source.name,
            connector=FILES_CONNECTOR,
            records=records,
            now=now,
        )
        record_import(con, review.id, entry, found.positions, before - now_ids)
        bookkeeping.count_page(
            con,
            run_id,
            source.name,
            requests=0,
            records=counts.received,
            new=counts.new,
            changed=counts.changed,
            skipped=counts.skipped,
            total_hits=None,
            filtered_out=counts.filtered_out,
        )
    return entry, counts.new, counts.changed


def describe_import(entry: FileImport, new: int) -> str:
    """One line for the run's summary: what a file brought, and what it changed."""
    where = f" ({entry.database})" if entry.database else ""
    line = f"{entry.path}{where}: {entry.records:,} records, {new:,} new"
    if entry.supersedes:
        line += (
            f"; replaces the earlier version of this file: records added {entry.added:,}, "
            f"dropped {entry.dropped:,}"
        )
    return line


def harvest_files(
    store: Store,
    review: Review,
    source: SourceConfig,
    *,
    run_id: int,
    observer: RunObserver,
    clock: Callable[[], datetime],
) -> SourceResult:
    """Import the files of `source` not imported before; one search per file."""
    spec = source.files
    assert spec is not None, "harvest_files needs a files source"
    base = review.path.parent
    result = SourceResult(source.name, FILES_CONNECTOR, query_sent=f"files: {spec.path}")
    known = imported_hashes(store, review.id, source.name)
    fresh: list[tuple[Path, str, bytes]] = []
    matched = sorted(p for p in base.glob(spec.path) if p.is_file())
    for path in matched:
        try:
            data = read_bytes(path)
        except InputError as exc:
            result.problems.append(str(exc))
            continue
        if hashlib.sha256(data).hexdigest() not in known:
            fresh.append((path, path.relative_to(base).as_posix(), data))
    started = clock()
    bookkeeping.start_source(
        store,
        run_id=run_id,
        source=source.name,
        connector=FILES_CONNECTOR,
        query_sent=result.query_sent,
        notes=[],
        exact=True,
        window_from=None,
        window_until=started,
        started=started,
        explanation=f"{source.name}: exported files {spec.path}, imported as they are",
    )
    observer.source_started(source.name, result.query_sent)
    keep = local_filter(review.query) if source.local_filter else None
    imported = 0
    try:
        for path, relative, data in fresh:
            try:
                found = read_export(path, relative, data, source, spec)
            except InputError as exc:
                result.problems.append(str(exc))
                continue
            entry, new, changed = _store_file(
                store, review, source, found, run_id=run_id, keep=keep, now=clock()
            )
            imported += 1
            result.records += entry.records
            result.new += new
            result.changed += changed
            result.unchanged += max(0, entry.records - new - changed)
            result.notes.append(describe_import(entry, new))
            if entry.flag:
                result.problems.append(f"{base / relative}: {entry.flag}")
            observer.page_done(source.name, result.records, None)
        result.status = _status(result.problems, imported)
        if not matched:
            result.notes.append(f"no file matches {spec.path} (relative to {base})")
        elif not fresh:
            result.notes.append(f"no new file: {len(matched)} imported before")
        result.error = "; ".join(result.problems) or None
    except BaseException:
        result.status = "interrupted"
        raise
    finally:
        bookkeeping.finish_source(
            store,
            run_id,
            source.name,
            status=result.status,
            error=result.error,
            requests=0,
            finished=clock(),
        )
    return result


def _status(problems: Sequence[str], imported: int) -> str:
    if not problems:
        return "ok"
    return "partial" if imported else "failed"
