"""Query and translation records shared by the review file, connectors and the search log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from harvester.query.nodes import Node, terms
from harvester.query.parser import parse


@dataclass(frozen=True)
class Query:
    """The search strategy: Boolean text plus an optional publication-year range."""

    text: str
    year_from: int | None = None
    year_to: int | None = None

    @cached_property
    def ast(self) -> Node:
        """The strategy as a tree (raises QuerySyntaxError, a ConfigError, if unreadable)."""
        return parse(self.text)

    def terms(self) -> list[str]:
        """Every word and phrase of the strategy, operators, fields and truncation removed.

        Sources without Boolean search receive the positive ones as a broad bag of words.
        """
        return _unique(" ".join(t.words) for t, _ in terms(self.ast))

    def positive_terms(self) -> list[str]:
        """The words and phrases a matching record must or may contain (none under NOT)."""
        return _unique(" ".join(t.words) for t, positive in terms(self.ast) if positive)


def _unique(values: Iterable[str]) -> list[str]:
    unique: dict[str, str] = {}
    for value in values:
        unique.setdefault(value.lower(), value)
    return list(unique.values())


@dataclass(frozen=True)
class Translation:
    """What one source is asked for a query, and what was approximated."""

    params: Mapping[str, str]
    notes: tuple[str, ...] = ()
    exact: bool = True

    def with_params(self, extra: Mapping[str, str]) -> Translation:
        """The same translation with `extra` parameters added (a connector's fixed ones)."""
        return Translation({**self.params, **extra}, self.notes, self.exact)
