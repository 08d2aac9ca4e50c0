"""The local filter: the strategy as written, applied to one harvested record. Pure.

Text is compared after markup stripping and case and diacritic folding (`normalize.fold`), as
sequences of words (runs of letters and digits), so `"one-stop service"` matches "One Stop
Services" only if truncated (`service*`), and never matches inside a longer word. A term
searches the fields it names: title (every other title of the record counts as a title, e.g.
the English title of an Indonesian article), abstract, keywords (each keyword on its own).
Records without a year pass the year range: a missing year is not evidence against them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from harvester.normalize import fold, strip_markup
from harvester.query.model import Query
from harvester.query.nodes import ABSTRACT, KEYWORDS, TITLE, And, Const, Node, Not, Or, Term
from harvester.work import Work

_WORD = re.compile(r"[^\W_]+")
Words = tuple[str, ...]


def words(text: str | None) -> Words:
    """The folded words of a text, in order."""
    return tuple(_WORD.findall(fold(strip_markup(text))))


@dataclass(frozen=True)
class RecordText:
    """A record's searchable fields as word sequences: one per title, abstract and keyword."""

    fields: dict[str, tuple[Words, ...]]

    @classmethod
    def of(cls, work: Work) -> RecordText:
        titles = (work.title, *work.other_titles)
        return cls(
            {
                TITLE: tuple(words(t) for t in titles if t),
                ABSTRACT: (words(work.abstract),) if work.abstract else (),
                KEYWORDS: tuple(words(k) for k in work.keywords if k),
            }
        )


@dataclass(frozen=True)
class Pattern:
    """A term as folded words; `prefix[i]` lets word i match any word it starts."""

    words: Words
    prefix: tuple[bool, ...]

    @classmethod
    def of(cls, term: Term) -> Pattern:
        out: list[str] = []
        flags: list[bool] = []
        for word, truncated in zip(term.words, term.truncated, strict=True):
            parts = words(word)
            out.extend(parts)
            flags.extend([False] * (len(parts) - 1) + [truncated])
        return cls(tuple(out), tuple(flags))

    def found_in(self, text: Words) -> bool:
        size = len(self.words)
        if not size:
            return False
        first, first_prefix = self.words[0], self.prefix[0]
        for start in range(len(text) - size + 1):
            word = text[start]
            if not (word.startswith(first) if first_prefix else word == first):
                continue
            if all(
                text[start + i].startswith(w) if p else text[start + i] == w
                for i, (w, p) in enumerate(zip(self.words, self.prefix, strict=True))
            ):
                return True
        return False


Matcher = Callable[[RecordText], bool]


def compile_node(node: Node) -> Matcher:
    """A function deciding `node` for a record's text; patterns are built once."""
    if isinstance(node, Term):
        pattern = Pattern.of(node)
        fields = tuple(sorted(node.fields))
        return lambda record: any(
            pattern.found_in(text) for name in fields for text in record.fields[name]
        )
    if isinstance(node, Not):
        inner = compile_node(node.child)
        return lambda record: not inner(record)
    if isinstance(node, And):
        parts = [compile_node(c) for c in node.children]
        return lambda record: all(part(record) for part in parts)
    if isinstance(node, Or):
        options = [compile_node(c) for c in node.children]
        return lambda record: any(option(record) for option in options)
    if isinstance(node, Const):
        value = node.value
        return lambda record: value
    raise TypeError(f"not a query node: {node!r}")


def in_years(query: Query, year: int | None) -> bool:
    if year is None:
        return True
    if query.year_from is not None and year < query.year_from:
        return False
    return query.year_to is None or year <= query.year_to


def local_filter(query: Query) -> Callable[[Work], bool]:
    """A predicate keeping the records that satisfy `query` exactly (terms and years)."""
    decide = compile_node(query.ast)
    return lambda work: in_years(query, work.year) and decide(RecordText.of(work))
