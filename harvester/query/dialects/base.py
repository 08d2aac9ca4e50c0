"""A query dialect: how one API's search syntax writes a strategy, declared as data.

`BooleanDialect` covers the APIs with fielded Boolean search (PubMed, Europe PMC, arXiv, DOAJ,
DataCite, Semantic Scholar): a table of field targets, the operator words, how NOT is written,
what truncation it allows and how years are asked for. `translate` fits the strategy to those
capabilities (`harvester.query.relax`), writes it out and says what was approximated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from harvester.errors import ConfigError
from harvester.query.model import Query, Translation
from harvester.query.nodes import TRUE, And, Const, Node, Not, Or, Term
from harvester.query.relax import Capabilities, relax

LOCAL_FILTER_NOTE = "every record this source returns is checked against the strategy as written"


class UntranslatableQuery(ConfigError):
    """Nothing of the strategy can be sent to a source: it would be asked for every record."""

    def __init__(self, source: str, reasons: list[str]) -> None:
        why = "; ".join(reasons) or "it has no term a record must contain"
        super().__init__(
            [
                f"{source} cannot search any part of this strategy ({why}); "
                "give this source its own query"
            ]
        )


class Dialect(Protocol):
    """What a connector declares: `dialect = PUBMED`. Turns a Query into request parameters."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    def translate(self, query: Query) -> Translation: ...


@dataclass(frozen=True)
class YearRange:
    """How a publication-year range is asked for.

    `template` gets {start} and {end}; an open end uses `open_start` / `open_end`. With `param`
    the range travels in its own parameter, otherwise it is ANDed to the query text.
    """

    template: str
    open_start: str = "*"
    open_end: str = "*"
    param: str | None = None

    def render(self, start: int | None, end: int | None) -> str:
        return self.template.format(
            start=self.open_start if start is None else start,
            end=self.open_end if end is None else end,
        )


@dataclass(frozen=True)
class BooleanDialect:
    name: str
    title: str
    param: str  # the request parameter carrying the query text
    caps: Capabilities
    and_: str = " AND "
    or_: str = " OR "
    not_: str = " NOT "  # between the required part and the excluded part
    years: YearRange | None = None
    # Said whenever the API searches more loosely than written (stemming), so never exact.
    loose: str | None = None

    def translate(self, query: Query) -> Translation:
        fitted = relax(query.ast, self.caps, self.title)
        notes = list(fitted.notes)
        if fitted.node == TRUE and not self.caps.universe:
            raise UntranslatableQuery(self.title, notes)
        text = self.render(fitted.node)
        params: dict[str, str] = {}
        if self.years and (query.year_from or query.year_to):
            clause = self.years.render(query.year_from, query.year_to)
            if self.years.param:
                params[self.years.param] = clause
            elif text:
                text = f"{self.wrapped(fitted.node)}{self.and_}{clause}"
            else:
                text = clause
        params = {self.param: text, **params}
        if self.loose:
            notes.append(self.loose)
        return Translation(params, tuple(notes), exact=not notes)

    # ---- writing the fitted tree out --------------------------------------------------

    def render(self, node: Node) -> str:
        if isinstance(node, Const):
            return (self.caps.universe or "") if node.value else ""
        if isinstance(node, Term):
            return self.caps.targets[node.fields].template.format(self.term_text(node))
        if isinstance(node, Or):
            return self.or_.join(self.wrapped(c) for c in node.children)
        if isinstance(node, Not):
            return self.negation(self.caps.universe or "", [node.child])
        if isinstance(node, And):
            required = [c for c in node.children if not isinstance(c, Not)]
            excluded = [c.child for c in node.children if isinstance(c, Not)]
            if self.caps.negation == "minus":
                return self.and_.join(
                    f"-{self.wrapped(c.child)}" if isinstance(c, Not) else self.wrapped(c)
                    for c in node.children
                )
            positive = self.and_.join(self.wrapped(c) for c in required)
            if not excluded:
                return positive
            if len(required) > 1:
                positive = f"({positive})"
            return self.negation(positive or self.caps.universe or "", excluded)
        raise TypeError(f"not a query node: {node!r}")

    def negation(self, positive: str, excluded: list[Node]) -> str:
        if len(excluded) == 1:
            return f"{positive}{self.not_}{self.wrapped(excluded[0])}"
        return f"{positive}{self.not_}({self.or_.join(self.wrapped(c) for c in excluded)})"

    def wrapped(self, node: Node) -> str:
        text = self.render(node)
        return f"({text})" if isinstance(node, And | Or | Not) else text

    def term_text(self, term: Term) -> str:
        if term.plain:
            word = term.words[0]
            if term.truncated[0]:
                return word.lower() + "*"
            return word
        words = []
        for word, truncated in zip(term.words, term.truncated, strict=True):
            text = word.replace("\\", "\\\\").replace('"', '\\"')
            if truncated:
                text = text.lower() + "*"
            words.append(text)
        return '"' + " ".join(words) + '"'
