"""A JSON page split down to its records' texts: parsed around them, each parsed when asked."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.json_depth import json_deeper
from harvester.json_records import JsonRecords, split_page

PATH = ("message", "items")


class TooDeep(Exception):
    pass


def split(body: bytes, limit: int = 100) -> dict | None:  # type: ignore[type-arg]
    return split_page(body, PATH, limit, TooDeep)


def test_records_keep_the_text_they_were_sent_as_and_are_parsed_when_asked() -> None:
    body = b'{"status":"ok","message":{"total-results":2,"items":[{"b": 1, "a":[2]} ,{"c":null}]}}'
    page = split(body)
    assert page is not None
    records = page["message"]["items"]
    assert isinstance(records, JsonRecords) and len(records) == 2
    assert (page["status"], page["message"]["total-results"]) == ("ok", 2)
    assert records.text(0) == '{"b": 1, "a":[2]}'  # its spacing and key order as sent
    assert records.digest(0) == hashlib.sha256(b'{"b": 1, "a":[2]}').hexdigest()
    assert list(records) == [{"b": 1, "a": [2]}, {"c": None}]
    assert records[1:] == [{"c": None}]


@pytest.mark.parametrize(
    "body",
    [
        b'{"status":"failed","message":[{"message":"Bad filter"}]}',  # an error document
        b'{"message":{"DOI":"10.1/x"}}',  # a single record, no list
        b'{"message":{"items":null}}',
        b"[1, 2]",
        b'{"message":{"items":[{"n":NaN}]}}',  # what only json reads
        b'\xef\xbb\xbf{"message":{"items":[]}}',  # a byte-order mark
    ],
)
def test_a_page_without_a_list_there_or_that_msgspec_refuses_is_parsed_whole(
    body: bytes,
) -> None:
    assert split(body) is None


def nested(levels: int) -> str:
    """A value nesting `levels` lists deep."""
    return "[" * levels + "0" + "]" * levels


@given(
    beside=st.integers(min_value=0, max_value=12),
    inside=st.integers(min_value=0, max_value=12),
    limit=st.integers(min_value=4, max_value=16),
)
def test_too_deep_exactly_where_the_whole_page_nests_beyond_the_limit(
    beside: int, inside: int, limit: int
) -> None:
    body = (
        f'{{"facets":{nested(beside)},"message":{{"items":[{{"a":{nested(inside)}}}]}}}}'
    ).encode()
    deeper = json_deeper(body, limit)
    try:
        page = split(body, limit)
        assert page is not None
        list(page["message"]["items"])
    except TooDeep:
        assert deeper
    else:
        assert not deeper


def test_a_record_is_measured_only_when_parsed() -> None:
    body = json.dumps({"message": {"items": [{"a": json.loads(nested(200))}, {"b": 1}]}})
    page = split(body.encode())
    assert page is not None
    assert page["message"]["items"][1] == {"b": 1}
    with pytest.raises(TooDeep):
        page["message"]["items"][0]
