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


def folded(text: str | None) -> str:
    """A text as the filter reads it, markup stripped and folded (`normalize.fold`): its words
    are `words(text)`, whatever lies between them."""
    if not text:
        return ""
    if text.isascii() and "<" not in text and "&" not in text:
        # Stripping would only collapse whitespace, which separates words either way.
        return text.lower()
    plain = strip_markup(text)
    # Folding is lower-casing for ASCII, so only the runs of other characters (an accented
    # letter, a curly quote) take the slower Unicode passes; both sides of a run fold apart
    # the same as together, since folding drops combining marks after decomposing.
    return plain.lower() if plain.isascii() else _RUNS.sub(_fold_run, plain)


def words(text: str | None) -> Words:
    """The folded words of a text, in order (`normalize.fold`, markup stripped)."""
    return tuple(_WORD.findall(folded(text)))


_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _fold_run(match: re.Match[str]) -> str:
    run = match.group()
    return run.lower() if run.isascii() else fold(run)


class RecordText:
    """A record's folded texts per field, folded only when a term first needs them: each
    title, the abstract and each keyword on its own, so no phrase runs from one into the next.
    """

    __slots__ = ("_fields", "work")

    def __init__(self, work: Work) -> None:
        self.work = work
        self._fields: dict[str, tuple[str, ...]] = {}

    @classmethod
    def of(cls, work: Work) -> RecordText:
        return cls(work)

    def field(self, name: str) -> tuple[str, ...]:
        found = self._fields.get(name)
        if found is None:
            work = self.work
            if name == ABSTRACT:
                found = (folded(work.abstract),) if work.abstract else ()
            elif name == TITLE and not work.other_titles:
                found = (folded(work.title),) if work.title else ()
            else:
                raw = (work.title, *work.other_titles) if name == TITLE else work.keywords
                found = tuple(folded(t) for t in raw if t)
            self._fields[name] = found
        return found


def pattern(term: Term) -> str | None:
    """A term as a regular expression over folded text: its words in order, each a whole word
    (a truncated one starting a word), anything but letters and digits between them. None for a
    term without words (it matches nothing). The first word leads, so the search skips ahead
    to it at C speed."""
    parts: list[tuple[str, bool]] = []
    for word, truncated in zip(term.words, term.truncated, strict=True):
        found = [(re.escape(w), False) for w in words(word)]
        if found and truncated:
            found[-1] = (found[-1][0], True)
        parts.extend(found)
    if not parts:
        return None
    first = parts[0][0]
    pieces = [f"{first}(?<![^\\W_]{first})"]
    for i, (word, truncated) in enumerate(parts):
        pieces.append(("" if i == 0 else f"[\\W_]+{word}") + ("[^\\W_]*" if truncated else ""))
    return "".join(pieces) + "(?![^\\W_])"


Matcher = Callable[[RecordText], bool]


def compile_node(node: Node) -> Matcher:
    """A function deciding `node` for a record's text; patterns are built once, and the terms
    of an OR that search the same fields are searched together, field by field."""
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
    """True when any of `terms` occurs in one text of the record's `fields`: titles and
    keywords first, the (long) abstract only if they hold none. Each term is searched on its
    own: one search per term skips ahead faster than one search for all of them."""
    sources = dict.fromkeys(p for p in map(pattern, terms) if p is not None)
    searches = [re.compile(s).search for s in sources]
    names = sorted(fields, key=lambda name: (name == ABSTRACT, name))
    if not searches or not names:
        return lambda record: False

    def matcher(record: RecordText) -> bool:
        for name in names:
            for text in record.field(name):
                for search in searches:
                    if search(text) is not None:
                        return True
        return False

    return matcher


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
