"""The core's part of a connector: how translated and incremental parameters are combined."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from connectors.crossref import Crossref
from connectors.europepmc import EuropePMC
from harvester.errors import FatalAPIError
from harvester.http import Response
from harvester.json_records import JsonRecords
from harvester.json_text import former_json_payload, json_payload
from harvester.page_records import Judge, map_received, receive, settle
from harvester.query import Query
from harvester.store.known import Stored, payload_digest
from harvester.work import Work

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


class CountingMapper(Crossref):
    """Crossref, counting the records it maps."""

    mapped = 0

    def to_work(self, raw: Any) -> Work:
        self.mapped += 1
        return super().to_work(raw)


def test_only_records_the_store_lacks_or_holds_otherwise_are_mapped() -> None:
    connector = CountingMapper()
    body = (FIXTURES / "crossref" / "works-query-widget-cursor-star-page1.json").read_bytes()
    received = receive(connector, connector.parse_page(body).records)
    first, second = received[0], received[1]
    known = {
        first.source_id: Stored(first.payload_sha, mapped=True, last_run=1, linked=True),
        second.source_id: Stored("another payload", mapped=True, last_run=1, linked=True),
    }
    records = map_received(connector, received, known, 1)
    assert connector.mapped == len(received) - 1
    assert (records[0].known, records[0].work, records[1].known) == (True, None, False)
    assert records[0].updated == connector.updated_at(first.raw)
    # A local filter judges again every record whose stored verdict another filter gave.
    judged = map_received(connector, received, known, 1, judge=Judge(bool, "another filter"))
    assert connector.mapped == 2 * len(received) - 1
    assert judged[0].known is False
    known[first.source_id] = Stored(first.payload_sha, True, 1, linked=False, judged_by="k")
    judged = map_received(
        connector, received, known, 1, judge=Judge(bool, "k")
    )  # its own verdict stands
    assert connector.mapped == 3 * len(received) - 2
    assert (judged[0].known, judged[0].matched, judged[0].judged_by) == (True, False, "k")


def test_a_record_sent_as_it_is_stored_is_known_without_being_parsed() -> None:
    connector = CountingMapper()
    body = (FIXTURES / "crossref" / "works-query-widget-cursor-star-page1.json").read_bytes()
    page = connector.parse_page(body).records
    assert isinstance(page, JsonRecords)
    sha = page.digest(0)
    received = receive(connector, page, {sha: "10.1/stored"})
    assert not page.is_parsed(0)  # known by its text's hash alone
    assert (received[0].source_id, received[0].by_payload) == ("10.1/stored", True)
    stored = Stored(sha, mapped=True, last_run=1, linked=True)
    records = map_received(connector, received, {"10.1/stored": stored}, 1)
    assert (records[0].known, records[0].updated) == (True, None)  # moves no watermark
    assert not page.is_parsed(0)
    assert connector.mapped == len(received) - 1


def test_a_record_sent_again_in_another_key_order_or_spacing_is_known_unchanged() -> None:
    connector = Crossref()
    record = {"DOI": "10.1/a", "title": ["Soil"], "indexed": {"date-time": "2026-01-01T00:00:00Z"}}
    stored_text = json.dumps(record, separators=(",", ":"))
    changed = {**record, "title": ["Soil carbon"]}
    items = [dict(reversed(record.items())), changed]
    body = json.dumps({"status": "ok", "message": {"items": items}}, indent=1).encode()
    received = receive(connector, connector.parse_page(body).records)
    known = {
        r.source_id: Stored("sha of the stored text", mapped=True, last_run=1, linked=True)
        for r in received
    }
    asked: list[list[str]] = []

    def stored_texts(source_ids: list[str]) -> dict[str, str]:
        asked.append(source_ids)
        return dict.fromkeys(source_ids, stored_text)

    settled = settle(connector, received, known, stored_texts)
    assert asked == [["10.1/a", "10.1/a"]]  # only those sent otherwise than stored, at once
    assert (settled[0].payload, settled[0].payload_sha) == (stored_text, "sha of the stored text")
    assert settled[1] == received[1]  # another value: changed


@pytest.mark.parametrize("written_by", [json_payload, former_json_payload])
def test_a_record_stored_by_an_earlier_version_is_known_unchanged(
    written_by: Callable[[Any], str],
) -> None:
    """Stores hold JSON records as earlier versions wrote them (keys sorted: compact, or with
    json.dumps' spacing); received as sent, such a record is still known, not changed."""
    connector = CountingMapper()
    body = (FIXTURES / "crossref" / "works-query-widget-cursor-star-page1.json").read_bytes()
    received = receive(connector, connector.parse_page(body).records)
    first = received[0]
    stored_text = written_by(first.raw)
    assert stored_text != first.payload
    known = {first.source_id: Stored(payload_digest(stored_text), True, 1, linked=True)}
    records = map_received(connector, received[:1], known, 1)
    assert (records[0].known, records[0].payload, connector.mapped) == (True, stored_text, 0)
