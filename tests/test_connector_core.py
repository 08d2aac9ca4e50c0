"""The core's part of a connector: how translated and incremental parameters are combined."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from connectors.crossref import Crossref
from connectors.europepmc import EuropePMC
from harvester.errors import FatalAPIError
from harvester.http import Response
from harvester.query import Query

FIXTURES = Path(__file__).parent / "fixtures" / "api"


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


class CountingCrossref(Crossref):
    """Crossref, counting how often a whole body is parsed."""

    parses = 0

    def _parse_json(self, body: bytes) -> Any:
        self.parses += 1
        return super()._parse_json(body)


def test_a_response_is_parsed_once_by_the_error_check_and_the_parser() -> None:
    body = (FIXTURES / "crossref" / "works-query-widget-cursor-star-page1.json").read_bytes()
    connector = CountingCrossref()
    connector.check(Response(200, body, {}, "https://api.crossref.org/works"))
    page = connector.parse_page(body)
    assert (connector.parses, len(page.records)) == (1, 20)
    # The next response (even with the same text) is parsed afresh.
    connector.parse_page(bytes(bytearray(body)))
    assert connector.parses == 2


def test_an_error_document_is_still_told_from_a_page() -> None:
    body = b'{"status": "failed", "message": [{"message": "Bad filter"}]}'
    with pytest.raises(FatalAPIError, match="Bad filter"):
        CountingCrossref().check(Response(200, body, {}, "https://api.crossref.org/works"))
