"""The parsed search strategy: terms with their fields, combined by AND, OR and NOT.

A `Term` is one word or phrase as the reviewer wrote it, with a trailing-truncation flag per word
and the record fields it must appear in. `And` / `Or` hold two or more children, `Not` one;
`TRUE` / `FALSE` only appear when a dialect had to drop part of a strategy it cannot send.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

TITLE = "title"
ABSTRACT = "abstract"
KEYWORDS = "keywords"
Fields = frozenset[str]
TITLE_ABSTRACT: Fields = frozenset({TITLE, ABSTRACT})
ALL_FIELDS: Fields = frozenset({TITLE, ABSTRACT, KEYWORDS})
DEFAULT_FIELDS = TITLE_ABSTRACT
# Words that target syntaxes read as operators: always quoted when they are search terms.
RESERVED = {"and", "or", "not", "andnot", "to"}
_ALNUM = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """A word or phrase. `truncated[i]` says word i ends in `*` (matches any ending)."""

    words: tuple[str, ...]
    truncated: tuple[bool, ...]
    fields: Fields = DEFAULT_FIELDS

    @property
    def plain(self) -> bool:
        """One word of letters and digits only: needs no quotes in any target syntax."""
        word = self.words[0]
        return (
            len(self.words) == 1
            and _ALNUM.fullmatch(word) is not None
            and word.lower() not in RESERVED
        )

    def display(self) -> str:
        """The term as a reviewer would write it: `licens*`, `"one-stop service*"`."""
        text = " ".join(
            w + ("*" if t else "") for w, t in zip(self.words, self.truncated, strict=True)
        )
        return text if self.plain else f'"{text}"'


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class Const:
    value: bool


TRUE = Const(True)
FALSE = Const(False)
Node = Term | And | Or | Not | Const


def all_of(children: Sequence[Node]) -> Node:
    """AND of `children`, flattened and simplified (TRUE drops out, FALSE wins)."""
    return _join(children, And, unit=TRUE)


def any_of(children: Sequence[Node]) -> Node:
    """OR of `children`, flattened and simplified (FALSE drops out, TRUE wins)."""
    return _join(children, Or, unit=FALSE)


def _join(children: Sequence[Node], kind: type[And] | type[Or], unit: Const) -> Node:
    flat: list[Node] = []
    for child in children:
        if isinstance(child, Const):
            if child != unit:
                return child
            continue
        flat.extend(child.children if isinstance(child, kind) else (child,))
    unique = tuple(dict.fromkeys(flat))
    if not unique:
        return unit
    return unique[0] if len(unique) == 1 else kind(unique)


def negate(child: Node) -> Node:
    if isinstance(child, Const):
        return Const(not child.value)
    if isinstance(child, Not):
        return child.child
    return Not(child)


def terms(node: Node, positive: bool = True) -> Iterator[tuple[Term, bool]]:
    """Every term with its polarity (False under an odd number of NOTs), in reading order."""
    if isinstance(node, Term):
        yield node, positive
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from terms(child, positive)
    elif isinstance(node, Not):
        yield from terms(node.child, not positive)


def short(node: Node, limit: int = 60) -> str:
    """The node in query language, cut to `limit` characters (for notes)."""
    text = to_text(node) if not isinstance(node, Const) else str(node.value).upper()
    return text if len(text) <= limit else text[: limit - 3] + "..."


_FIELD_PREFIX = {frozenset({TITLE}): "title:", frozenset({ABSTRACT}): "abstract:"}
_FIELD_PREFIX[frozenset({KEYWORDS})] = "keywords:"


def to_text(node: Node) -> str:
    """The strategy in harvester's own query language (parses back to an equal tree)."""
    if isinstance(node, Term):
        if node.fields == DEFAULT_FIELDS:
            return node.display()
        if node.fields == ALL_FIELDS:
            return f"{node.display()}[tw]"
        return _FIELD_PREFIX[node.fields] + node.display()
    if isinstance(node, Not):
        return f"NOT {_wrapped(node.child)}"
    if isinstance(node, And | Or):
        joiner = " AND " if isinstance(node, And) else " OR "
        return joiner.join(_wrapped(c) for c in node.children)
    raise ValueError(f"{node} has no text form")


def _wrapped(node: Node) -> str:
    text = to_text(node)
    return f"({text})" if isinstance(node, And | Or) else text
