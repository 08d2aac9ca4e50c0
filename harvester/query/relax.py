"""Fitting a strategy to what one API can search, never asking for less than the strategy.

Each thing an API cannot express is replaced by something it can that matches *at least* the
same records, so the local filter, applied afterwards, can restore the exact strategy:

* a field the API cannot search alone is widened to the smallest field set it can search
  (title -> title or abstract), or, failing that, the term is dropped (TRUE). Under NOT the
  direction flips: the exclusion is narrowed to fields the API has, or dropped (FALSE);
* a phrase with truncation, where the API cannot truncate inside phrases, becomes its parts
  ANDed: "one-stop service*" -> "one-stop" AND service*;
* a NOT the API cannot place (arXiv's ANDNOT needs a term before it) is dropped.

Two steps can lose records, and their notes say so: truncation on an API without any (the stem
is sent as a whole word), and a term whose fields the API covers only in part with no wider
field to fall back on (title, abstract or keywords where keywords cannot be searched: the term
is searched in title or abstract; dropping it instead would void its whole OR group). Every
replacement adds a plain note for the search log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from harvester.query.nodes import (
    ABSTRACT,
    FALSE,
    KEYWORDS,
    TITLE,
    TRUE,
    And,
    Fields,
    Node,
    Not,
    Or,
    Term,
    all_of,
    any_of,
    negate,
    short,
)

_PARTS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Target:
    """How a term searching one field set is written, e.g. `{}[tiab]` or `TITLE:{}`."""

    template: str
    # Said in the notes whenever this target is used because it searches more than its fields.
    note: str | None = None


@dataclass(frozen=True)
class Capabilities:
    """What an API's query syntax can express."""

    targets: Mapping[Fields, Target]
    wildcard: bool = True  # trailing * on a word
    wildcard_in_phrase: bool = False
    # "binary": NOT only after a positive term (a NOT b), unless `universe` names all records;
    # "minus": -term inside an AND (Semantic Scholar); negations are pushed down to terms.
    negation: str = "binary"
    universe: str | None = None


@dataclass
class Relaxed:
    """A fitted tree and what was approximated: one note per kind, naming the terms."""

    node: Node
    kinds: dict[str, list[str]] = field(default_factory=dict)

    def note(self, head: str, item: str | None = None) -> None:
        items = self.kinds.setdefault(head, [])
        if item is not None and item not in items:
            items.append(item)

    def absorb(self, other: Relaxed) -> None:
        """Take over `other`'s notes, merging the terms of notes of the same kind."""
        for head, items in other.kinds.items():
            self.note(head)
            for item in items:
                self.note(head, item)

    @property
    def notes(self) -> list[str]:
        return [
            f"{head}: {_listed(items)}" if items else head for head, items in self.kinds.items()
        ]


def _listed(items: list[str], limit: int = 8) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def relax(node: Node, caps: Capabilities, source: str, *, place: bool = True) -> Relaxed:
    """`node` rewritten so `caps` can express it, with notes on every approximation.

    `place=False` leaves NOTs where they are, for callers that combine parts later and
    then call `place_negations` on the whole.
    """
    out = Relaxed(node)
    work = _push_negations(node) if caps.negation == "minus" else node
    out.node = _Fitter(caps, source, out).fit(work, positive=True)
    if place:
        out.node = _place_negations(out.node, caps, source, out, positive=True)
    return out


def place_negations(node: Node, caps: Capabilities, source: str, out: Relaxed) -> Node:
    """`node` without the NOTs `caps` cannot place, noted in `out`."""
    return _place_negations(node, caps, source, out, positive=True)


def describe(fields: Fields) -> str:
    names = [n for n in (TITLE, ABSTRACT, KEYWORDS) if n in fields]
    return " or ".join(names) if names else "no field"


class _Fitter:
    def __init__(self, caps: Capabilities, source: str, out: Relaxed) -> None:
        self.caps = caps
        self.source = source
        self.out = out

    def fit(self, node: Node, positive: bool) -> Node:
        if isinstance(node, Term):
            split = self.truncation(node, positive)
            return self.fit_fields(split, positive)
        if isinstance(node, And):
            return all_of([self.fit(c, positive) for c in node.children])
        if isinstance(node, Or):
            return any_of([self.fit(c, positive) for c in node.children])
        if isinstance(node, Not):
            return negate(self.fit(node.child, not positive))
        return node

    def fit_fields(self, node: Node, positive: bool) -> Node:
        if isinstance(node, Term):
            return self.fields(node, positive)
        if isinstance(node, And):
            return all_of([self.fit_fields(c, positive) for c in node.children])
        return node

    def fields(self, term: Term, positive: bool) -> Node:
        targets = self.caps.targets
        wanted = term.fields
        if wanted in targets:
            return self.used(term)
        inside = [f for f in targets if f <= wanted]
        maximal = [f for f in inside if not any(f < g for g in inside)]
        covered = frozenset().union(*maximal) if maximal else frozenset()
        if covered == wanted:
            return self.within(term, maximal)
        shown, missing = term.display(), describe(wanted - covered)
        if positive:
            wider = [f for f in targets if f >= wanted]
            if wider:
                best = min(wider, key=len)
                self.out.note(
                    f"{self.source} cannot search {describe(wanted)} alone, so these terms are "
                    f"searched in {describe(best)}",
                    shown,
                )
                return self.used(replace(term, fields=best))
            if maximal:
                # Dropping the term would let one keyword-only synonym void a whole OR group.
                self.out.note(
                    f"{self.source} cannot search {missing}, so these terms are searched in "
                    f"{describe(covered)} only and records having them only in {missing} "
                    "may be missed",
                    shown,
                )
                return self.within(term, maximal)
        elif maximal:
            self.out.note(
                f"{self.source} cannot search {missing}, so these exclusions (NOT) only look "
                f"at {describe(covered)}",
                shown,
            )
            return self.within(term, maximal)
        what = "terms are" if positive else "exclusions (NOT) are"
        self.out.note(
            f"{self.source} cannot search {describe(wanted)}, so these {what} left out of the "
            "request",
            shown,
        )
        return TRUE if positive else FALSE

    def within(self, term: Term, parts: list[Fields]) -> Node:
        """The term searched in each of `parts`, ORed."""
        return any_of([self.used(replace(term, fields=f)) for f in parts])

    def used(self, term: Term) -> Term:
        note = self.caps.targets[term.fields].note
        if note:
            self.out.note(note)
        return term

    def truncation(self, term: Term, positive: bool) -> Node:
        if not any(term.truncated):
            return term
        if term.plain:
            if self.caps.wildcard:
                return term
            self.out.note(
                f"{self.source} has no truncation, so these stems are sent as whole words and "
                "records using only longer forms may be missed",
                term.display(),
            )
            return replace(term, truncated=(False,))
        if self.caps.wildcard_in_phrase:
            return term
        if not positive:
            self.out.note(
                f"{self.source} cannot truncate inside a phrase, so these exclusions (NOT) are "
                "left out of the request",
                term.display(),
            )
            return FALSE
        parts = _split(term)
        self.out.note(
            f"{self.source} cannot truncate inside a phrase, so these phrases are sent as "
            "their words ANDed",
            f"{term.display()} as {' AND '.join(p.display() for p in parts)}",
        )
        return all_of([self.truncation(p, positive) for p in parts])


def _split(term: Term) -> list[Term]:
    """A phrase with truncation as its untruncated runs and its truncated words, each alone."""
    parts: list[Term] = []
    run: list[str] = []
    for word, truncated in zip(term.words, term.truncated, strict=True):
        if not truncated:
            run.append(word)
            continue
        pieces = _PARTS.findall(word)
        run.extend(pieces[:-1])
        if run:
            parts.append(replace(term, words=tuple(run), truncated=(False,) * len(run)))
            run = []
        parts.append(replace(term, words=(pieces[-1],), truncated=(True,)))
    if run:
        parts.append(replace(term, words=tuple(run), truncated=(False,) * len(run)))
    return parts


def _push_negations(node: Node) -> Node:
    """NOT moved down to the terms (De Morgan): -a -b instead of -(a | b)."""
    if isinstance(node, Not):
        inner = node.child
        if isinstance(inner, Not):
            return _push_negations(inner.child)
        if isinstance(inner, And):
            return any_of([_push_negations(Not(c)) for c in inner.children])
        if isinstance(inner, Or):
            return all_of([_push_negations(Not(c)) for c in inner.children])
        return negate(inner)
    if isinstance(node, And | Or):
        join = all_of if isinstance(node, And) else any_of
        return join([_push_negations(c) for c in node.children])
    return node


def _place_negations(
    node: Node, caps: Capabilities, source: str, out: Relaxed, positive: bool
) -> Node:
    """Drop the NOTs the API cannot place: those without a positive term beside them."""
    if isinstance(node, And):
        has_positive = any(not isinstance(c, Not) for c in node.children)
        return all_of(
            [_place(c, caps, source, out, positive, allowed=has_positive) for c in node.children]
        )
    return _place(node, caps, source, out, positive, allowed=False)


def _place(
    node: Node, caps: Capabilities, source: str, out: Relaxed, positive: bool, allowed: bool
) -> Node:
    if isinstance(node, Not):
        if allowed or caps.universe is not None:
            return negate(_place_negations(node.child, caps, source, out, not positive))
        out.note(
            f"{source} can only exclude records beside a term they must contain, so these "
            "exclusions are left out of the request",
            f"NOT {short(node.child)}",
        )
        return TRUE if positive else FALSE
    if isinstance(node, And):
        return _place_negations(node, caps, source, out, positive)
    if isinstance(node, Or):
        return any_of([_place(c, caps, source, out, positive, False) for c in node.children])
    return node
