"""One record read from a user's file, and the field names every reader maps onto."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from harvester.dedup.shapes import title_lines
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    parse_year,
    split_authors,
)
from harvester.work import Work

# Identifiers and numbers: never markup, and URLs are full of "&" that must stay as they are.
_PLAIN_FIELDS = frozenset({"doi", "url", "volume", "issue", "pages", "year", "isbn", "pmid"})


@dataclass(frozen=True, slots=True)
class InputRecord:
    """A record of an input file: where it came from, its own id, and the normalized work."""

    file: str
    record_id: str
    position: int  # 1-based, in its file
    work: Work

    @property
    def key(self) -> str:
        """Unique across the files of one run."""
        return f"{self.position:09d}\x00{self.file}"


class RawEntry(NamedTuple):
    """A record as a reader found it: plain strings and lists, cheap to send to a worker."""

    file: str
    position: int
    fields: Mapping[str, object]
    record_id: str | None = None


def build_record(entry: RawEntry) -> InputRecord:
    """Normalize the fields a reader found (title, authors, year, ...) into an InputRecord.

    `authors` may be a list of names or one string in any export's style.
    """
    file, position, fields, record_id = _title_lines_apart(entry)

    def raw(name: str) -> str | None:
        value = fields.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list | tuple):
            return "; ".join(str(v) for v in value if v)
        return str(value)

    def text(name: str) -> str | None:
        value = raw(name)
        if value is None:
            return None
        if name in _PLAIN_FIELDS:
            return value.strip() or None
        return clean_text(value)

    raw_authors = fields.get("authors")
    if isinstance(raw_authors, list | tuple):
        authors = tuple(a for name in raw_authors for a in split_authors(str(name)))
    else:
        authors = split_authors(str(raw_authors) if raw_authors else None)
    ids = {k: text(k) or "" for k in ("pmid", "pmcid", "isbn", "arxiv")}
    others = fields.get("other_titles") or ()
    other_titles = tuple(
        t
        for t in (
            clean_title(str(o)) for o in (others if isinstance(others, list | tuple) else [others])
        )
        if t
    )
    rid = (record_id or "").strip() or str(position)
    work = Work(
        source=file,
        source_id=rid,
        doi=normalize_doi(text("doi")),
        title=clean_title(raw("title")),  # each cleaner strips markup itself
        authors=authors,
        year=parse_year(text("year")),
        venue=text("venue"),
        abstract=clean_abstract(raw("abstract")),
        type=(text("type") or "").lower() or None,
        language=text("language"),
        url=text("url"),
        ids=ids,
        volume=text("volume"),
        issue=text("issue"),
        pages=text("pages"),
        other_titles=other_titles,
    )
    return InputRecord(file, rid, position, work)


def _title_lines_apart(entry: RawEntry) -> RawEntry:
    """The entry with a title written on several lines taken apart: an original-language title
    after the English one becomes another title (readers join an export's lines, so every
    input path, standalone or a review's file source, sees it here)."""
    title = entry.fields.get("title")
    if not isinstance(title, str) or "\n" not in title:
        return entry
    main, others = title_lines(title)
    fields = dict(entry.fields)
    earlier = fields.get("other_titles") or ()
    fields["title"] = main
    fields["other_titles"] = [
        *(earlier if isinstance(earlier, list | tuple) else [earlier]),
        *others,
    ]
    return entry._replace(fields=fields)
