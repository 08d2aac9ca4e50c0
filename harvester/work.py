"""The normalized bibliographic record every connector produces.

A `Work` is frozen: mappers build one from a raw record and nothing downstream edits it.
Field values are already normalized (see `harvester.normalize`): DOIs lower-case without a
URL prefix, authors as "Family, Given", years as integers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

# Identifier kinds a Work may carry besides its DOI; mappers fill what the source knows.
ID_KINDS = ("pmid", "pmcid", "arxiv", "openalex", "mag", "s2", "doaj", "datacite", "oai", "isbn")


class Text(NamedTuple):
    """A title or an abstract and its language (ISO 639-1 such as "id", None when unknown)."""

    text: str
    language: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "language": self.language}


def as_text(value: Any) -> Text:
    """A Text from a Text, a {"text", "language"} mapping (store, JSON) or a [text, language]."""
    if isinstance(value, Text):
        return value
    if isinstance(value, Mapping):
        return Text(str(value["text"]), value.get("language"))
    text, *rest = value
    return Text(str(text), rest[0] if rest else None)


# Fields holding Text tuples: stored and sent as lists of {"text", "language"} objects.
_TEXT_FIELDS = ("titles", "abstracts")


@dataclass(frozen=True, slots=True)
class Work:
    source: str
    source_id: str
    doi: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str | None = None
    abstract: str | None = None
    type: str | None = None
    language: str | None = None
    url: str | None = None
    ids: Mapping[str, str] = field(default_factory=dict, hash=False)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    issn: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # Titles in other languages (an Indonesian article's English title, say), kept for dedup.
    other_titles: tuple[str, ...] = ()
    published: str | None = None  # ISO date as precise as the source gives it
    updated: str | None = None  # when the source last changed the record (watermarks)
    retracted: bool = False
    # DOIs this record is a retraction notice for (Crossref `update-to`): they get flagged too.
    retracts: tuple[str, ...] = ()
    deleted: bool = False  # OAI-PMH tombstones: the source withdrew the record
    # Every title and abstract the source gave, each with its language, the main one first
    # (an Indonesian article's Indonesian and English title). Empty when the source gave one
    # title and one abstract only; `title`, `other_titles` and `abstract` are filled from them.
    titles: tuple[Text, ...] = ()
    abstracts: tuple[Text, ...] = ()
    # Who published a book or catalogue record (MARC 260/264 $b); not a column of the store.
    publisher: str | None = None

    def __post_init__(self) -> None:
        # A read-only view keeps the record immutable while staying a Mapping for callers.
        clean = {k: v for k, v in sorted(dict(self.ids).items()) if v}
        object.__setattr__(self, "ids", MappingProxyType(clean))
        for name in _TEXT_FIELDS:
            object.__setattr__(self, name, tuple(as_text(t) for t in getattr(self, name) or ()))
        if self.titles:
            if self.title is None:
                object.__setattr__(self, "title", self.titles[0].text)
            if not self.other_titles:
                others = tuple(t.text for t in self.titles if t.text != self.title)
                object.__setattr__(self, "other_titles", others)
        if self.abstracts and self.abstract is None:
            object.__setattr__(self, "abstract", self.abstracts[0].text)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # The read-only view of `ids` cannot be pickled; a worker process sends records back
        # pickled, so the ids travel as a plain dict and __post_init__ wraps them again.
        values = [getattr(self, name) for name in _FIELD_NAMES]
        values[_IDS] = dict(self.ids)
        return type(self), tuple(values)

    @property
    def key(self) -> str:
        """Identity of the record in the store: one row per (source, source_id)."""
        return f"{self.source}:{self.source_id}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; tuples become lists, ids a plain object."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in _TEXT_FIELDS:
                value = [t.to_dict() for t in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Work:
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            if name not in names:
                continue
            if isinstance(value, list):
                value = tuple(value)
            kwargs[name] = value
        return cls(**kwargs)


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Work))
_IDS = _FIELD_NAMES.index("ids")
