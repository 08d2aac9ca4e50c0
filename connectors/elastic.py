"""Elasticsearch query strings, for the sources whose search is one (DOAJ, DataCite).

The strategy itself is translated by their dialects (harvester/query/dialects); what is left
here is the range clause their incremental filters share.
"""

from __future__ import annotations


def range_clause(field: str, low: object, high: object = None) -> str:
    """`field:[low TO high]`, an open end written `*`."""
    return f"{field}:[{low or '*'} TO {high or '*'}]"
