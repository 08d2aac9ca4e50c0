"""A PRISMA-S style search log in Markdown, for a review's methods section.

For every update up to a snapshot and every source searched in it: the database and its
interface, the date, the query exactly as sent (and how it was translated from the review's
strategy), the limits (publication years, the incremental date window) and the result counts.
Everything comes from the run bookkeeping the store keeps; nothing is typed in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from harvester import __version__
from harvester.capping import capped_note, capped_text
from harvester.errors import HarvestError
from harvester.filesources.config import FILES_CONNECTOR
from harvester.filesources.imports import FileImport, run_imports
from harvester.registry import connector_class
from harvester.reporting.snapshots import (
    SnapshotInfo,
    SourceSearch,
    review_snapshots,
    snapshot_info,
)
from harvester.review import Review
from harvester.store import Store


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "unknown"


def _database(connector: str) -> str:
    try:
        return connector_class(connector).title or connector
    except HarvestError:  # a connector no longer installed still has its log
        return connector


# Markdown's punctuation that makes markup inside a line, shown as itself instead.
_MARKUP = re.compile(r"([\\`*_\[\]|~])")


def plain(text: str) -> str:
    """Text from a review file or a server (a title, an error) as it reads, never as markup:
    HTML is escaped and Markdown's punctuation backslashed, on one line."""
    return _MARKUP.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def _fenced(text: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}text\n{text}\n{fence}"


def decoded_request(query_sent: str) -> tuple[str, list[tuple[str, str]]]:
    """(endpoint, parameters) of a logged request, decoded for people to read."""
    parts = urlsplit(query_sent)
    endpoint = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path
    return endpoint, parse_qsl(parts.query, keep_blank_values=True)


def _window(search: SourceSearch) -> str:
    until = _when(search.window_until)
    if search.window_from is None:
        return f"no date limit: every record the source held up to {until}"
    return (
        f"records added or changed since {_when(search.window_from)} "
        f"(the previous harvest, less the overlap), up to {until}"
    )


def _results(search: SourceSearch) -> str:
    reported = (
        f"the source reported {search.total_hits:,} matching records; "
        if search.total_hits is not None
        else ""
    )
    errors = (
        f", {search.mapping_errors:,} of them could not be mapped (a connector error)"
        if search.mapping_errors
        else ""
    )
    capped = capped_text(search.status, search.records, search.total_hits)
    text = (
        f"{reported}{search.records:,} retrieved ({search.new_records:,} new, "
        f"{search.changed:,} updated, {search.skipped:,} unusable{errors}); "
        f"status {capped or search.status}"
    )
    return text + (f": {plain(search.error)}" if search.error else "")


def _source_section(search: SourceSearch) -> list[str]:
    endpoint, params = decoded_request(search.query_sent or "")
    request = "\n".join([f"GET {endpoint}", *(f"{k} = {v}" for k, v in params)])
    lines = [
        f"### {search.source}",
        "",
        f"- **Database:** {_database(search.connector)} (connector `{search.connector}`)",
        f"- **Interface:** {endpoint or 'unknown'}",
        f"- **Date searched:** {_when(search.started_at)}",
        "- **Query as sent** (decoded; paging parameters are added per page):",
        "",
        _fenced(request),
        "",
    ]
    if search.notes:
        lines += ["- **Translation notes:**", ""]
        lines += [f"  > {plain(note)}" for note in search.notes]
        lines.append("")
    if search.exact is not None:
        exact = (
            "yes"
            if search.exact
            else "no; the full strategy was applied to the records afterwards (local filter)"
        )
        lines.append(f"- **Strategy sent exactly:** {exact}")
    lines += [
        f"- **Date window:** {_window(search)}",
        f"- **Results:** {_results(search)}",
    ]
    truncated = capped_note(search.source, search.status, search.records, search.total_hits)
    if truncated:
        lines.append(f"- **Truncated:** {truncated}")
    return [*lines, ""]


def _file_search(found: FileImport) -> list[str]:
    """One imported file as one search: the query as the team ran it, when and where."""
    lines = [
        f"#### {found.path}",
        "",
        f"- **Database:** {found.database or 'not declared'}",
        f"- **Date searched:** {found.searched_on or 'not declared'} "
        f"(file dated {_when(found.file_date)}, imported {_when(found.imported_at)})",
        "- **Query as run:**",
        "",
        _fenced(found.query) if found.query else "  not declared in the review file",
        "",
    ]
    hits = f"the database reported {found.declared_hits:,}; " if found.declared_hits else ""
    lines.append(
        f"- **Results:** {hits}{found.records:,} records in the file "
        f"({found.format}, SHA-256 {found.sha256[:12]})"
    )
    if found.supersedes:
        lines.append(
            f"- **Replaces** the earlier version of this file ({found.supersedes[:12]}): "
            f"records added {found.added:,}, dropped {found.dropped:,}"
        )
    if found.flag:
        lines.append(f"- **Flag:** {found.flag}")
    return [*lines, ""]


def _files_section(search: SourceSearch, imports: list[FileImport]) -> list[str]:
    lines = [
        f"### {search.source}",
        "",
        f"- **Database exports:** `{search.query_sent.removeprefix('files: ')}` "
        "(relative to the review file); each file imported is one search",
        f"- **Status:** {search.status}" + (f": {search.error}" if search.error else ""),
        "",
    ]
    if not imports:
        return [*lines, "No new file in this update.", ""]
    return lines + [line for found in imports for line in _file_search(found)]


def _reported(search: SourceSearch, imports: list[FileImport]) -> str:
    """Hits the source reported: an API's total, or the hits declared for the files imported."""
    if search.connector != FILES_CONNECTOR:
        return f"{search.total_hits:,}" if search.total_hits is not None else ""
    declared = [found.declared_hits for found in imports if found.declared_hits]
    return f"{sum(declared):,}" if declared and len(declared) == len(imports) else ""


def _group_line(group: str, members: list[SourceSearch]) -> str:
    """A source group's line in an update's table: its members' counts added up."""
    failed = sum(1 for m in members if m.status not in ("ok", "capped"))
    status = f"{len(members) - failed} of {len(members)} sources harvested"
    return (
        f"| **group {group}** | | {status} | | {sum(m.records for m in members):,} "
        f"| {sum(m.new_records for m in members):,} | {sum(m.changed for m in members):,} |"
    )


def _update_section(
    number: int,
    info: SnapshotInfo,
    imports: dict[str, list[FileImport]],
    groups: Mapping[str, str | None] | None = None,
) -> list[str]:
    lines = [
        f"## Update {number}: run {info.run_id}, {info.created_at:%Y-%m-%d} "
        f"(snapshot {info.snapshot_id})",
        "",
        "| Source | Date searched | Status | Reported | Retrieved | New | Updated |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    groups = groups or {}
    shown: set[str] = set()
    for first in info.searches:
        group = groups.get(first.source)
        if group in shown:
            continue
        members = [first]
        if group:  # the group's line, then all its members under it
            shown.add(group)
            members = [m for m in info.searches if groups.get(m.source) == group]
            lines.append(_group_line(group, members))
        for s in members:
            reported = _reported(s, imports.get(s.source, []))
            status = capped_text(s.status, s.records, s.total_hits) or s.status
            name = f"&nbsp;&nbsp;{s.source}" if group else s.source
            lines.append(
                f"| {name} | {_when(s.started_at)} | {status} | {reported} "
                f"| {s.records:,} | {s.new_records:,} | {s.changed:,} |"
            )
    lines += [
        "",
        f"Snapshot {info.snapshot_id} holds {info.clusters:,} unique records of the "
        f"{info.records:,} retrieved so far ({info.duplicates_removed:,} duplicates removed).",
        "",
    ]
    for search in info.searches:
        if search.connector == FILES_CONNECTOR:
            lines += _files_section(search, imports.get(search.source, []))
        else:
            lines += _source_section(search)
    return lines


def search_log(store: Store, review: Review, snapshot_id: int) -> str:
    """The Markdown search log of every update of `review` up to `snapshot_id`."""
    query = review.query
    years = (
        f"{query.year_from or '…'}–{query.year_to or '…'}"
        if query.year_from or query.year_to
        else "no limit"
    )
    lines = [
        f"# Search log: {plain(review.title)}",
        "",
        f"Review `{review.id}`, up to snapshot {snapshot_id}. Written by harvester "
        f"{__version__} from its store; one section per update of the living review.",
        "",
        f"## Search strategy (review file {review.path})",
        "",
        _fenced(query.text.strip()),
        "",
        f"Publication years: {years}.",
        "",
    ]
    for number, sid in enumerate(review_snapshots(store, review.id, up_to=snapshot_id), 1):
        info = snapshot_info(store, sid)
        lines += _update_section(
            number,
            info,
            run_imports(store, review.id, info.run_id),
            {s.name: s.group for s in review.sources},
        )
    return "\n".join(lines).rstrip() + "\n"
