"""OpenAlex: Boolean search inside `filter=`, with the field chosen per filter.

Documented (developers.openalex.org "Search" guide; docs.openalex.org "Search entities"): the
`title.search`, `abstract.search` and `title_and_abstract.search` filters take AND, OR, NOT in
capitals, parentheses and "quoted phrases"; words are stemmed and stop words dropped, so a
search is looser than written. Filters are joined by `,` (AND), so a comma cannot appear in a
value. On truncation the two documents disagree: the current guide documents a trailing `*`,
the older reference says `*` is removed. We send `licens*` and say so: if the star is removed,
OpenAlex finds only the whole word `licens` and may miss records.

Fields: each top-level AND part goes to the filter of its field; a part mixing fields is
searched in title_and_abstract (wider; the local filter narrows it back).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from harvester.query.dialects.base import BooleanDialect, UntranslatableQuery
from harvester.query.model import Query, Translation
from harvester.query.nodes import (
    ABSTRACT,
    TITLE,
    TITLE_ABSTRACT,
    TRUE,
    And,
    Fields,
    Node,
    Term,
    all_of,
    short,
    terms,
)
from harvester.query.relax import Capabilities, Relaxed, Target, place_negations, relax

FILTERS: dict[Fields, str] = {
    frozenset({TITLE}): "title.search",
    frozenset({ABSTRACT}): "abstract.search",
    TITLE_ABSTRACT: "title_and_abstract.search",
}
_CAPS = Capabilities(targets={f: Target("{}") for f in FILTERS})
_WIDE = Capabilities(targets={TITLE_ABSTRACT: Target("{}")})
LOOSE = (
    "OpenAlex stems words and drops stop words (services also finds service), so it can "
    "return more than the strategy asks for"
)
TRUNCATION = (
    "OpenAlex's documentation disagrees on truncation (the current guide: a trailing * "
    "matches any ending; the older reference: * is removed); if it is removed, a truncated "
    "word only finds itself and records may be missed"
)


class _Writer(BooleanDialect):
    """OpenAlex's Boolean syntax inside one filter value (the filter name is the field)."""

    def term_text(self, term: Term) -> str:
        # A comma would end the filter value; the analyzer splits words there anyway.
        words = tuple(w.replace(",", " ") for w in term.words)
        return super().term_text(replace(term, words=words))


_WRITER = _Writer(name="openalex", title="OpenAlex", param="filter", caps=_CAPS)


@dataclass(frozen=True)
class OpenAlexDialect:
    name: str = "openalex"
    title: str = "OpenAlex"

    def translate(self, query: Query) -> Translation:
        out = Relaxed(query.ast)
        groups: dict[Fields, list[Node]] = {}
        ast = query.ast
        for part in ast.children if isinstance(ast, And) else (ast,):
            fitted = relax(part, _CAPS, self.title, place=False)
            used = {t.fields for t, _ in terms(fitted.node)}
            if len(used) > 1:
                fitted = relax(part, _WIDE, f"{self.title} (in one filter)", place=False)
                fitted.note(f"{short(part)} mixes fields, so it is searched in title or abstract")
                used = {TITLE_ABSTRACT}
            out.absorb(fitted)
            if fitted.node != TRUE and used:
                groups.setdefault(used.pop(), []).append(fitted.node)
        filters = []
        for fields, parts in groups.items():
            node = place_negations(all_of(parts), _CAPS, self.title, out)
            if node != TRUE:
                filters.append(f"{FILTERS[fields]}:{_WRITER.render(node)}")
        if not filters:
            raise UntranslatableQuery(self.title, out.notes)
        if query.year_from:
            filters.append(f"from_publication_date:{query.year_from}-01-01")
        if query.year_to:
            filters.append(f"to_publication_date:{query.year_to}-12-31")
        if any(any(t.truncated) for t, _ in terms(ast)):
            out.note(TRUNCATION)
        out.note(LOOSE)
        params = {"filter": ",".join(filters)} if filters else {}
        return Translation(params, tuple(out.notes), exact=False)
