"""Review files: load a TOML review, check every key, report all problems at once.

    [review]
    id = "egov-oss"                  # optional, defaults to the file name
    title = "One-stop online licensing in Indonesian local government"
    contact = "librarian@example.org"  # polite-pool address for Crossref and OpenAlex
    schedule = "weekly"              # daily | weekly | monthly | a cron line "0 3 * * 1"
    screening_language = "en"        # the title and abstract screeners see first (optional)

    [query]
    text = '("one-stop service" OR "pelayanan terpadu satu pintu") AND licens*'
    years = [2010, 2026]

    [[sources]]
    connector = "crossref"           # see `harvester connectors list`

    [[sources]]
    connector = "files"              # database exports (harvester.filesources.config)
    name = "scopus"
    path = "searches/scopus/*.csv"

    [notify]                         # optional: alerts from `harvester serve` (notify/config.py)
    webhook = "https://chat.example.org/hooks/abc"

A problem is reported as "FILE: line N: key: what is wrong".
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvester.connector import Connector
from harvester.errors import ConfigError, UnknownSourceError
from harvester.filesources.config import FILES_CONNECTOR, FileSpec, file_spec
from harvester.groups.registry import NAME
from harvester.languages import language_code
from harvester.notify.config import NotifyConfig, parse_notify
from harvester.pool import PoolLimits
from harvester.query import Query
from harvester.query.location import value_positions
from harvester.query.parser import QuerySyntaxError, parse
from harvester.registry import connector_class, connectors

SCHEDULES = {"daily": "0 3 * * *", "weekly": "0 3 * * mon", "monthly": "0 3 1 * *"}
# Days re-asked before a watermark: sources index late, and re-fetching is harmless (upserts).
DEFAULT_OVERLAP_DAYS = 2
SOURCE_KEYS = {
    "connector": "registered connector name (required)",
    "name": "instance name, unique in the review (default: the connector name)",
    "base_url": "API base URL (a mirror, an OAI-PMH endpoint, a replay server)",
    "max_records": "stop after this many records per run",
    "max_minutes": "stop a source still harvesting after this many minutes (default 720); "
    "the next run asks again",
    "rate_limit": "requests per second to this host (default: the connector's)",
    "query": "this source's own query text, replacing [query] text for it",
    "local_filter": "false keeps every record the source returns, even where its translation "
    "only approximated the strategy (default true)",
}
REVIEW_KEYS = {
    "id",
    "title",
    "contact",
    "schedule",
    "overlap_days",
    "description",
    "screening_language",
}
QUERY_KEYS = {"text", "years", "year_from", "year_to"}
HARVEST_KEYS = {
    "concurrency": "sources harvested at once (default 32; 1: one after another)",
    "per_host": "sources harvested at once on one host (default 1)",
}
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")


@dataclass(frozen=True)
class SourceConfig:
    name: str
    connector: str
    base_url: str | None = None
    max_records: int | None = None
    rate_limit: float | None = None
    max_minutes: float | None = None
    query: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    local_filter: bool = True
    files: FileSpec | None = None  # a `connector = "files"` source: its exports
    group: str | None = None  # the `[[source_groups]]` this source is a member of


@dataclass(frozen=True)
class Review:
    id: str
    title: str
    query: Query
    sources: tuple[SourceConfig, ...]
    path: Path
    contact: str | None = None
    schedule: str = "weekly"
    overlap_days: int = DEFAULT_OVERLAP_DAYS
    # ISO 639-1 code of the title and abstract screeners see first ("en"); None keeps each
    # record's own order.
    screening_language: str | None = None
    notify: NotifyConfig | None = None
    pool: PoolLimits = field(default_factory=PoolLimits)  # [harvest]: how many sources run at once

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise UnknownSourceError(name, [s.name for s in self.sources], f"{self.path}: --source")

    def query_for(self, source: SourceConfig) -> Query:
        if source.query:
            return Query(source.query, self.query.year_from, self.query.year_to)
        return self.query


def cron_line(schedule: str) -> str:
    return SCHEDULES.get(schedule.strip().lower(), schedule.strip())


class _Problems:
    """Collects "line N: key: message" entries, locating keys in the file text."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.items: list[str] = []

    def line_of(self, key: str, table: str | None = None, index: int = 0) -> int | None:
        """Line where `key` is set inside `[table]` (or the index-th `[[table]]`)."""
        current: str | None = None
        counts: dict[str, int] = {}
        assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                current = header.group(1)
                counts[current] = counts.get(current, -1) + 1
            elif (
                current == table
                and counts.get(current or "", 0) == index
                and assignment.match(line)
            ):
                return number
        return None

    def add(self, key: str, message: str, table: str | None = None, index: int = 0) -> None:
        line = self.line_of(key.rsplit(".", 1)[-1].split("]")[-1], table, index)
        where = f"line {line}: " if line else ""
        self.items.append(f"{self.path}: {where}{key}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


def load_review(path: str | os.PathLike[str]) -> Review:
    """Read and validate a review file; raises ConfigError listing every problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{file}: no such review file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{file}: cannot read: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{file}: {_toml_message(exc)}"]) from None
    return _validate(file, text, data)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if found:
        reason = message[: found.start()].strip()
        return f"line {found.group(1)}, column {found.group(2)}: invalid TOML: {reason}"
    return f"invalid TOML: {message}"


def _validate(file: Path, text: str, data: Mapping[str, Any]) -> Review:
    problems = _Problems(file, text)
    for key in data:
        if key not in {"review", "query", "sources", "source_groups", "harvest", "notify"}:
            problems.add(
                key,
                "unknown section; expected [review], [query], [[sources]], "
                "[[source_groups]], [harvest], [notify]",
            )
    meta = _table(data, "review", problems)
    query_table = _table(data, "query", problems)
    for key in meta.keys() - REVIEW_KEYS:
        problems.add(
            f"review.{key}", f"unknown key; known: {', '.join(sorted(REVIEW_KEYS))}", "review"
        )
    for key in query_table.keys() - QUERY_KEYS:
        problems.add(
            f"query.{key}", f"unknown key; known: {', '.join(sorted(QUERY_KEYS))}", "query"
        )

    review_id = meta.get("id", file.stem.removesuffix(".review"))
    if not isinstance(review_id, str) or not NAME.match(review_id):
        problems.add("review.id", "must be letters, digits, '-', '_' or '.'", "review")
    title = meta.get("title", review_id)
    contact = meta.get("contact") or os.environ.get("HARVESTER_MAILTO") or None
    if contact is not None and (not isinstance(contact, str) or "@" not in contact):
        problems.add("review.contact", "must be an e-mail address", "review")
    schedule = meta.get("schedule", "weekly")
    if not isinstance(schedule, str) or not _valid_schedule(schedule):
        problems.add(
            "review.schedule", "must be daily, weekly, monthly or a 5-field cron line", "review"
        )
    overlap = meta.get("overlap_days", DEFAULT_OVERLAP_DAYS)
    if not isinstance(overlap, int) or isinstance(overlap, bool) or not 0 <= overlap <= 365:
        problems.add("review.overlap_days", "must be a whole number of days (0-365)", "review")

    screening = meta.get("screening_language")
    if screening is not None and (not isinstance(screening, str) or not language_code(screening)):
        problems.add(
            "review.screening_language", 'must be a language code such as "en" or "id"', "review"
        )
    query = _query(query_table, problems)
    groups = data.get("source_groups")
    sources = _sources(data.get("sources"), problems, query, required=not groups)
    sources += _groups(groups, problems, file.parent, {s.name for s in sources})
    pool = _pool(_table(data, "harvest", problems), problems)
    notify, notify_problems = parse_notify(data.get("notify"))
    for key, message in notify_problems:
        problems.add(key, message, "notify")
    problems.raise_if_any()
    return Review(
        id=str(review_id),
        title=str(title),
        query=query,
        sources=tuple(sources),
        path=file,
        contact=contact,
        schedule=str(schedule),
        overlap_days=int(overlap),
        screening_language=language_code(screening) if isinstance(screening, str) else None,
        notify=notify,
        pool=pool,
    )


def _pool(table: Mapping[str, Any], problems: _Problems) -> PoolLimits:
    for key in sorted(table.keys() - HARVEST_KEYS.keys()):
        problems.add(f"harvest.{key}", f"unknown key; known: {', '.join(HARVEST_KEYS)}", "harvest")
    default = PoolLimits()
    values = {}
    for key in HARVEST_KEYS:
        value = table.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1024:
            problems.add(f"harvest.{key}", "must be a whole number from 1 to 1024", "harvest")
            value = getattr(default, key)
        values[key] = value
    return PoolLimits(**values)


def _table(data: Mapping[str, Any], name: str, problems: _Problems) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        problems.add(name, "must be a table ([" + name + "])")
        return {}
    return value


def _valid_schedule(schedule: str) -> bool:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(cron_line(schedule))
    except ValueError:
        return False
    return True


def _query(table: Mapping[str, Any], problems: _Problems) -> Query:
    text = table.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.add("query.text", "required: the search strategy as text", "query")
        text = ""
    else:
        _check_strategy(problems, text, "query.text", "query")
    years = table.get("years")
    year_from, year_to = table.get("year_from"), table.get("year_to")
    if years is not None:
        if (
            not isinstance(years, list)
            or len(years) != 2
            or not all(isinstance(y, int) or y is None for y in years)
        ):
            problems.add("query.years", "must be [FROM, TO], e.g. [2010, 2026]", "query")
        else:
            year_from, year_to = years
    for key, value in (("year_from", year_from), ("year_to", year_to)):
        if value is not None and (not isinstance(value, int) or not 1500 <= value <= 2100):
            problems.add(f"query.{key}", "must be a year such as 2010", "query")
    if isinstance(year_from, int) and isinstance(year_to, int) and year_from > year_to:
        problems.add("query.years", f"starts after it ends ({year_from} > {year_to})", "query")
    return Query(
        text.strip(),
        year_from if isinstance(year_from, int) else None,
        year_to if isinstance(year_to, int) else None,
    )


def _check_strategy(problems: _Problems, text: str, key: str, table: str, index: int = 0) -> bool:
    """Parse a strategy; a syntax error is reported at its line and column in the file."""
    try:
        parse(text)
    except QuerySyntaxError as exc:
        where = ""
        line = problems.line_of(key.rsplit(".", 1)[-1], table, index)
        if line:
            spots = value_positions(problems.text, line, text)
            if spots and exc.offset < len(spots):
                where = "line {}, column {}: ".format(*spots[exc.offset])
            elif spots:  # the end of the strategy: just after its last character
                last_line, last_column = spots[-1]
                where = f"line {last_line}, column {last_column + 1}: "
            else:
                where = f"line {line}: "
        problems.items.append(f"{problems.path}: {where}{key}: {exc.message}")
        return False
    return True


def _parses(text: str) -> bool:
    try:
        parse(text)
    except QuerySyntaxError:
        return False
    return True


def _check_translation(
    problems: _Problems, connector: type[Connector], query: Query, key: str, index: int
) -> None:
    """A strategy a source cannot search at all is a mistake in the review file."""
    try:
        connector().translate(query)
    except ConfigError as exc:
        for problem in exc.problems:
            problems.add(key, problem, "sources", index)


def _sources(
    value: Any, problems: _Problems, query: Query, *, required: bool = True
) -> list[SourceConfig]:
    if not value:
        if required:
            problems.add(
                "sources", "at least one [[sources]] or [[source_groups]] table is required"
            )
        return []
    if not isinstance(value, list):
        problems.add("sources", "must be an array of tables ([[sources]])")
        return []
    known = connectors()
    known_names = ", ".join(sorted([*known, FILES_CONNECTOR]))
    out: list[SourceConfig] = []
    names: set[str] = set()
    for index, entry in enumerate(value):
        where = f"sources[{index + 1}]"

        def bad(key: str, message: str, at: int = index) -> None:
            problems.add(f"sources[{at + 1}].{key}", message, "sources", at)

        name = entry.get("connector")
        if not isinstance(name, str) or not name:
            bad("connector", f"required; known: {known_names}")
            continue
        if name == FILES_CONNECTOR:
            instance = _instance_name(entry, name, names, bad)
            spec = file_spec(entry, bad)
            out.append(
                SourceConfig(
                    instance, name, local_filter=entry.get("local_filter") is True, files=spec
                )
            )
            continue
        if name not in known:
            line = problems.line_of("connector", "sources", index)
            at = f"line {line}: " if line else ""
            problems.items.append(
                f"{problems.path}: {at}{where}.connector: unknown connector {name!r}; "
                f"known: {known_names}"
            )
            continue
        cls = connector_class(name)
        instance = _instance_name(entry, name, names, bad)
        allowed = set(SOURCE_KEYS) | set(cls.options)
        for key in sorted(entry.keys() - allowed):
            bad(key, f"unknown key for {name}; known: {', '.join(sorted(allowed))}")
        max_records = entry.get("max_records")
        if max_records is not None and (not isinstance(max_records, int) or max_records < 1):
            bad("max_records", "must be a positive whole number")
        rate = entry.get("rate_limit")
        if rate is not None and (not isinstance(rate, int | float) or rate <= 0):
            bad("rate_limit", "must be a positive number of requests per second")
        minutes = entry.get("max_minutes")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0
        ):
            bad("max_minutes", "must be a positive number of minutes")
        base_url = entry.get("base_url")
        if base_url is not None and (
            not isinstance(base_url, str) or not re.match(r"^https?://", base_url)
        ):
            bad("base_url", "must start with http:// or https://")
        elif base_url is None and cls.requires_base_url:
            bad("base_url", f"required for {name}: the address of the source's endpoint")
        source_query = entry.get("query")
        strategy: Query | None = query if query.text and _parses(query.text) else None
        if source_query is not None:
            strategy = None
            if not isinstance(source_query, str) or not source_query.strip():
                bad("query", "must be non-empty text")
            elif _check_strategy(problems, source_query, f"{where}.query", "sources", index):
                strategy = Query(source_query.strip(), query.year_from, query.year_to)
        if strategy is not None:
            key = "query" if source_query else "connector"
            _check_translation(problems, cls, strategy, f"{where}.{key}", index)
        use_filter = entry.get("local_filter", True)
        if not isinstance(use_filter, bool):
            bad("local_filter", "must be true or false")
        settings = {k: entry[k] for k in cls.options if k in entry}
        for key, message in cls.setting_problems(settings).items():
            bad(key, message)
        out.append(
            SourceConfig(
                name=instance,
                connector=name,
                base_url=base_url,
                max_records=max_records,
                rate_limit=float(rate) if isinstance(rate, int | float) else None,
                max_minutes=float(minutes) if isinstance(minutes, int | float) else None,
                query=source_query,
                settings=settings,
                local_filter=use_filter is not False,
            )
        )
    return out


def _groups(
    value: Any, problems: _Problems, review_dir: Path, taken: set[str]
) -> list[SourceConfig]:
    """The members of every `[[source_groups]]` table, as OAI-PMH sources (harvester.groups)."""
    from harvester.groups import group_sources

    if value is None:
        return []
    if not isinstance(value, list):
        problems.add("source_groups", "must be an array of tables ([[source_groups]])")
        return []
    out: list[SourceConfig] = []
    for index, table in enumerate(value):

        def bad(key: str, message: str, at: int = index) -> None:
            problems.add(f"source_groups[{at + 1}].{key}", message, "source_groups", at)

        if not isinstance(table, dict):
            bad("registry", "must be a table")
            continue
        for member in group_sources(table, review_dir, bad):
            if member.name in taken:
                bad("name", f"{member.name!r} is also the name of another source")
                continue
            taken.add(member.name)
            settings = dict(member.settings)
            if member.entry.set:
                settings["set"] = member.entry.set
            for key, message in connector_class("oai_pmh").setting_problems(settings).items():
                bad(key, f"{member.name}: {message}")
            out.append(
                SourceConfig(
                    name=member.name,
                    connector="oai_pmh",
                    base_url=member.entry.base_url,
                    max_records=member.max_records,
                    rate_limit=member.rate_limit,
                    max_minutes=member.max_minutes,
                    settings=settings,
                    local_filter=member.local_filter,
                    group=member.group,
                )
            )
    return out


def _instance_name(
    entry: Mapping[str, Any], default: str, names: set[str], bad: Callable[[str, str], None]
) -> str:
    """A source's instance name, checked to be well formed and unique in the review."""
    instance = entry.get("name", default)
    if not isinstance(instance, str) or not NAME.match(instance):
        bad("name", "must be letters, digits, '-', '_' or '.'")
    elif instance in names:
        bad("name", f"{instance!r} is used by two sources; give each a unique name")
    names.add(str(instance))
    return str(instance)
