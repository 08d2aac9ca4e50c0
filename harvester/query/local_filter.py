"""The local filter: the strategy as written, applied to one harvested record. Pure.

Text is compared after markup stripping and case and diacritic folding (`normalize.fold`), as
sequences of words (runs of letters and digits), so `"one-stop service"` matches "One Stop
Services" only if truncated (`service*`), and never matches inside a longer word. A term
searches the fields it names: title (every other title of the record counts as a title, e.g.
the English title of an Indonesian article), abstract, keywords (each keyword on its own).
Records without a year pass the year range: a missing year is not evidence against them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from harvester.normalize import fold, strip_markup
from harvester.query.model import Query
from harvester.query.nodes import ABSTRACT, TITLE, And, Const, Fields, Node, Not, Or, Term
from harvester.work import Work

_WORD = re.compile(r"[^\W_]+")
# Changed whenever the rules above judge a record otherwise: verdicts given under another
# version are given again (filter_key).
RULES_VERSION = 1
Words = tuple[str, ...]


def words(text: str | None) -> Words:
    """The folded words of a text, in order (`normalize.fold`, markup stripped)."""
    plain = strip_markup(text)
    # Folding is lower-casing for ASCII, so only the runs of other characters (an accented
    # letter, a curly quote) take the slower Unicode passes; both sides of a run fold apart
    # the same as together, since folding drops combining marks after decomposing.
    folded = plain.lower() if plain.isascii() else _RUNS.sub(_fold_run, plain)
    return tuple(_WORD.findall(folded))


_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _fold_run(match: re.Match[str]) -> str:
    run = match.group()
    return run.lower() if run.isascii() else fold(run)


def _spaced(text: str | None) -> str:
    """The folded words joined by single spaces, a space at each end: a phrase is then a
    substring (" one stop service "), and a regular expression finds any of many at C speed."""
    return f" {' '.join(words(text))} "


class RecordText:
    """A record's text per field set, folded only when a term first needs it.

    Each title, the abstract and each keyword is spaced on its own and joined by newlines, so no
    phrase runs from one into the next.
    """

    def __init__(self, work: Work) -> None:
        self.work = work
        self._fields: dict[str, str] = {}
        self._sets: dict[Fields, str] = {}

    @classmethod
    def of(cls, work: Work) -> RecordText:
        return cls(work)

    def text(self, fields: Fields) -> str:
        found = self._sets.get(fields)
        if found is None:
            found = self._sets[fields] = "\n".join(self.field(name) for name in sorted(fields))
        return found

    def field(self, name: str) -> str:
        found = self._fields.get(name)
        if found is None:
            work = self.work
            raw: tuple[str | None, ...]
            if name == TITLE:
                raw = (work.title, *work.other_titles)
            elif name == ABSTRACT:
                raw = (work.abstract,)
            else:
                raw = work.keywords
            found = self._fields[name] = "\n".join(_spaced(t) for t in raw if t)
        return found


def pattern(term: Term) -> str | None:
    """A term as a regular expression over spaced text; a truncated word matches any word it
    starts. None for a term without words (it matches nothing)."""
    parts: list[str] = []
    for word, truncated in zip(term.words, term.truncated, strict=True):
        found = [re.escape(w) for w in words(word)]
        if found and truncated:
            found[-1] += "[^ \n]*"
        parts.extend(found)
    return " " + " ".join(parts) + "(?= )" if parts else None


Matcher = Callable[[RecordText], bool]


def compile_node(node: Node) -> Matcher:
    """A function deciding `node` for a record's text; patterns are built once, and the terms
    of an OR that search the same fields become one regular expression."""
    if isinstance(node, Term):
        return _terms_matcher(node.fields, [node])
    if isinstance(node, Not):
        inner = compile_node(node.child)
        return lambda record: not inner(record)
    if isinstance(node, And):
        parts = [compile_node(c) for c in node.children]
        return lambda record: all(part(record) for part in parts)
    if isinstance(node, Or):
        by_fields: dict[Fields, list[Term]] = {}
        options: list[Matcher] = []
        for child in node.children:
            if isinstance(child, Term):
                by_fields.setdefault(child.fields, []).append(child)
            else:
                options.append(compile_node(child))
        options[:0] = [_terms_matcher(f, terms) for f, terms in by_fields.items()]
        return lambda record: any(option(record) for option in options)
    if isinstance(node, Const):
        value = node.value
        return lambda record: value
    raise TypeError(f"not a query node: {node!r}")


def _terms_matcher(fields: Fields, terms: list[Term]) -> Matcher:
    """True when any of `terms` occurs in the record's `fields`."""
    sources = [p for p in map(pattern, terms) if p is not None]
    if not sources:
        return lambda record: False
    regex = re.compile("|".join(f"(?:{s})" for s in sources))
    return lambda record: regex.search(record.text(fields)) is not None


def in_years(query: Query, year: int | None) -> bool:
    if year is None:
        return True
    if query.year_from is not None and year < query.year_from:
        return False
    return query.year_to is None or year <= query.year_to


def filter_key(query: Query) -> str:
    """What a verdict of `local_filter(query)` depends on besides the record, as a short key:
    a verdict stored under the same key need not be given again for the same record."""
    identity = f"{RULES_VERSION}\n{query.text}\n{query.year_from}\n{query.year_to}"
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def local_filter(query: Query) -> Callable[[Work], bool]:
    """A predicate keeping the records that satisfy `query` exactly (terms and years)."""
    decide = compile_node(query.ast)
    return lambda work: in_years(query, work.year) and decide(RecordText(work))
