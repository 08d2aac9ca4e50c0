"""Small pure helpers that mappers share (dates, names, first values)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from harvester.normalize import clean_text, normalize_author


def first(values: Any) -> Any:
    """First element of a list (or the value itself when it is not a list); None if empty."""
    if isinstance(values, list | tuple):
        return values[0] if values else None
    return values


def person(family: str | None, given: str | None = None, literal: str | None = None) -> str | None:
    """ "Family, Given" from split parts, or a normalized literal name."""
    family, given = clean_text(family), clean_text(given)
    if family:
        return f"{family}, {given}" if given else family
    return normalize_author(literal or given)


def type_name(value: str | None) -> str | None:
    """A type written in CamelCase in Crossref's spelling: "JournalArticle" -> "journal-article"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", value.strip()).lower() if value else None


def names(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(n for n in (normalize_author(v) for v in values) if n)


def date_parts_iso(parts: Sequence[Any] | None) -> str | None:
    """ISO date from Crossref-style [year, month, day] parts (any may be missing or null)."""
    if not parts or parts[0] is None:
        return None
    try:
        numbers = [int(p) for p in parts if p is not None]
    except (TypeError, ValueError):
        return None
    if len(numbers) == 1:
        return f"{numbers[0]:04d}"
    if len(numbers) == 2:
        return f"{numbers[0]:04d}-{numbers[1]:02d}"
    return f"{numbers[0]:04d}-{numbers[1]:02d}-{numbers[2]:02d}"


def id_map(**values: Any) -> dict[str, str]:
    """Identifier kinds with a value, as strings (missing and empty ones left out)."""
    return {kind: str(value) for kind, value in values.items() if value not in (None, "")}


def strings(values: Iterable[Any]) -> tuple[str, ...]:
    """Non-empty cleaned strings, order kept, duplicates dropped."""
    out: list[str] = []
    for value in values:
        text = clean_text(str(value)) if value is not None else None
        if text and text not in out:
            out.append(text)
    return tuple(out)
