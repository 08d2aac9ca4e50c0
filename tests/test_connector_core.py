"""The core's part of a connector: how translated and incremental parameters are combined."""

from __future__ import annotations

from datetime import date

from connectors.europepmc import EuropePMC
from harvester.query import Query


def test_an_or_query_is_grouped_before_the_since_clause_is_anded() -> None:
    request, _ = EuropePMC().first_request(Query("a OR b"), date(2026, 1, 5))
    assert request.params["query"] == (
        "(TITLE_ABS:a OR TITLE_ABS:b) AND FIRST_IDATE:[2026-01-05 TO 3000-12-31]"
    )


def test_a_phrase_containing_or_is_not_mistaken_for_an_operator() -> None:
    request, _ = EuropePMC().first_request(Query('"cats OR dogs"'), date(2026, 1, 5))
    assert request.params["query"] == (
        'TITLE_ABS:"cats OR dogs" AND FIRST_IDATE:[2026-01-05 TO 3000-12-31]'
    )
