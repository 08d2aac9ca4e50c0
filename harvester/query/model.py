"""Query and translation records shared by the review file, connectors and the search log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_OPERATORS = {"AND", "OR", "NOT"}
_TOKEN = re.compile(r'"([^"]*)"|([^\s()"]+)')


@dataclass(frozen=True)
class Query:
    """The search strategy: Boolean text plus an optional publication-year range."""

    text: str
    year_from: int | None = None
    year_to: int | None = None

    def terms(self) -> list[str]:
        """Every word and phrase of the strategy, operators and grouping removed.

        Sources without Boolean search receive these as a broad bag of words.
        """
        out: list[str] = []
        for phrase, word in _TOKEN.findall(self.text):
            if phrase:
                out.append(phrase.rstrip("*"))
            elif word.upper() not in _OPERATORS:
                out.append(word.rstrip("*"))
        unique: dict[str, str] = {}
        for term in out:
            if term:
                unique.setdefault(term.lower(), term)
        return list(unique.values())


@dataclass(frozen=True)
class Translation:
    """What one source is asked for a query, and what was approximated."""

    params: Mapping[str, str]
    notes: tuple[str, ...] = ()
    exact: bool = True
