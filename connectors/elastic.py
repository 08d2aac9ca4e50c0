"""Elasticsearch query strings, for the sources whose search is one (DOAJ, DataCite).

The strategy is passed on as written; until the per-API query dialects (harvester/query) take
over, such a translation is marked inexact and the local filter applies the strategy.
"""

from __future__ import annotations

from collections.abc import Mapping

from harvester.query import Query, Translation


def range_clause(field: str, low: object, high: object = None) -> str:
    """`field:[low TO high]`, an open end written `*`."""
    return f"{field}:[{low or '*'} TO {high or '*'}]"


def query_string(
    query: Query,
    *,
    source: str,
    param: str,
    year_field: str,
    extra: Mapping[str, str] | None = None,
) -> Translation:
    """The strategy (and its publication years) as one query-string parameter."""
    parts = [f"({query.text})"]
    if query.year_from or query.year_to:
        parts.append(range_clause(year_field, query.year_from, query.year_to))
    note = (
        f"The strategy goes to {source}'s search (an Elasticsearch query string) as written; "
        "its field and truncation rules differ, so the local filter applies the exact strategy."
    )
    return Translation({param: " AND ".join(parts), **(extra or {})}, notes=(note,), exact=False)
