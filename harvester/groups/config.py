"""`[[source_groups]]` in a review: a registry's journals, filtered, as OAI-PMH sources.

    [[source_groups]]
    registry = "id-public-administration"   # bundled name, or a path relative to the review
    name = "id-pa"                           # default: the registry's file name
    subject = ["public administration"]      # optional: journals with any of these subjects
    issn = ["0852-9213"]                     # optional: journals with any of these ISSNs
    max_records = 500                        # optional, per member (also max_minutes,
                                             # rate_limit, local_filter, metadata_prefix)

Each member becomes an `oai_pmh` source named "GROUP.JOURNAL" (`id-pa.jkap`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvester.errors import ConfigError
from harvester.groups.registry import NAME, RegistryEntry, load_registry, registry_path

GROUP_KEYS = {
    "registry": "a registry in config/sources (its name) or a path relative to the review",
    "name": "the group's name, in front of each member's (default: the registry's file name)",
    "subject": "keep journals with any of these subjects",
    "issn": "keep journals with any of these ISSNs",
    "max_records": "per member: stop after this many records per run",
    "max_minutes": "per member: stop after this many minutes",
    "rate_limit": "per member: requests per second to its host",
    "local_filter": "per member: false keeps every record (default true)",
    "metadata_prefix": "per member: oai_dc (default), oai_datacite or ...",
}


@dataclass(frozen=True)
class GroupMember:
    """One journal of a group, with the settings the group gives every member."""

    group: str
    entry: RegistryEntry
    registry: Path
    max_records: int | None
    max_minutes: float | None
    rate_limit: float | None
    local_filter: bool
    settings: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"{self.group}.{self.entry.name}"


def group_sources(
    table: Mapping[str, Any], review_dir: Path, bad: Callable[[str, str], None]
) -> list[GroupMember]:
    """The members of one `[[source_groups]]` table; problems go to `bad(key, message)`."""
    for key in sorted(table.keys() - GROUP_KEYS.keys()):
        bad(key, f"unknown key; known: {', '.join(sorted(GROUP_KEYS))}")
    name = table.get("registry")
    if not isinstance(name, str) or not name.strip():
        bad("registry", "required: a bundled registry's name or a path to a registry file")
        return []
    path = registry_path(name, review_dir)
    try:
        entries = load_registry(path)
    except ConfigError as exc:
        for problem in exc.problems:
            bad("registry", problem)
        return []
    group = table.get("name", path.stem)
    if not isinstance(group, str) or not NAME.match(group):
        bad("name", "must be letters, digits, '-', '_' or '.'")
        return []
    kept = _filtered(entries, table, path, bad)
    shared = _shared(table, bad)
    if shared is None:
        return []
    limit, minutes, rate, use_filter, settings = shared
    return [GroupMember(group, e, path, limit, minutes, rate, use_filter, settings) for e in kept]


def _filtered(
    entries: tuple[RegistryEntry, ...],
    table: Mapping[str, Any],
    path: Path,
    bad: Callable[[str, str], None],
) -> list[RegistryEntry]:
    kept = list(entries)
    for key in ("subject", "issn"):
        wanted = table.get(key)
        if wanted is None:
            continue
        if isinstance(wanted, str):
            wanted = [wanted]
        if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
            bad(key, "must be a list of text")
            return []
        want = {w.strip().lower() for w in wanted}
        kept = [e for e in kept if want & {v.lower() for v in getattr(e, key)}]
        if not kept:
            bad(key, f"no journal of {path} matches {sorted(want)}")
            return []
    return kept


def _shared(
    table: Mapping[str, Any], bad: Callable[[str, str], None]
) -> tuple[int | None, float | None, float | None, bool, dict[str, Any]] | None:
    limit, minutes = table.get("max_records"), table.get("max_minutes")
    rate, use_filter = table.get("rate_limit"), table.get("local_filter", True)
    ok = True
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        bad("max_records", "must be a positive whole number")
        ok = False
    for key, value in (("max_minutes", minutes), ("rate_limit", rate)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
        ):
            bad(key, "must be a positive number")
            ok = False
    if not isinstance(use_filter, bool):
        bad("local_filter", "must be true or false")
        ok = False
    prefix = table.get("metadata_prefix")
    settings = {"metadata_prefix": prefix} if prefix is not None else {}
    if not ok:
        return None
    return (
        limit,
        float(minutes) if minutes is not None else None,
        float(rate) if rate is not None else None,
        use_filter,
        settings,
    )
