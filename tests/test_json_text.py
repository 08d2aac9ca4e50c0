"""JSON pages and stored records through msgspec, and what falls back to json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.json_text import former_json_payload, json_payload, parse_json

_FINITE = st.floats(allow_nan=False, allow_infinity=False)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _FINITE | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=25,
)


@given(_JSON)
def test_a_page_parses_as_json_reads_it(value: Any) -> None:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        expected = json.loads(body)
    except ValueError:
        return  # lone surrogates are no UTF-8: json refuses them too
    assert parse_json(body) == expected


@pytest.mark.parametrize(
    ("body", "payload"),
    [
        # json reads NaN, Infinity and numbers beyond a double; msgspec does not.
        (b'{"n": NaN, "m": -Infinity}', '{"m":-Infinity,"n":NaN}'),
        (b'{"n": 1e400}', '{"n":Infinity}'),
        (b'\xef\xbb\xbf{"n": 1}', '{"n":1}'),  # a byte-order mark
        (b'{"n": 123456789012345678901234567890}', '{"n":123456789012345678901234567890}'),
    ],
)
def test_what_msgspec_refuses_is_read_and_written_as_json_does(body: bytes, payload: str) -> None:
    assert json_payload(parse_json(body)) == payload


def test_not_json_is_still_refused() -> None:
    with pytest.raises(json.JSONDecodeError, match="Expecting value"):
        parse_json(b"<html>Service unavailable</html>")


@given(st.dictionaries(st.text(), _JSON, max_size=6))
def test_a_payload_is_the_record_compact_with_sorted_keys(record: dict[str, Any]) -> None:
    payload = json_payload(record)
    assert json.loads(payload) == record
    assert payload == json_payload(dict(reversed(list(record.items()))))  # order never shows


def test_a_payload_msgspec_cannot_write_is_written_by_json() -> None:
    record = {"b": "\ud800", "a": "x"}  # a lone surrogate: no UTF-8
    assert json_payload(record) == '{"a":"x","b":"\ud800"}'


def test_the_former_payload_is_what_earlier_versions_stored() -> None:
    record = {"title": ["Café"], "DOI": "10.1/x"}
    assert former_json_payload(record) == '{"DOI": "10.1/x", "title": ["Café"]}'
    assert json_payload(record) == '{"DOI":"10.1/x","title":["Café"]}'
