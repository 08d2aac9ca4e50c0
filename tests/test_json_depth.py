"""How deeply a JSON page nests, read from its bytes (harvester/json_depth.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.json_depth import json_deeper


@pytest.mark.parametrize(
    ("document", "depth"),
    [
        ("1", 0),
        ("{}", 1),
        ('{"items": [{"title": ["A"]}]}', 4),
        # Brackets inside strings are text, escaped quotes do not end a string...
        ('{"t": "[[[{{{", "u": "a \\" [[["}', 1),
        # ...but a quote after an escaped backslash does.
        ('[["a\\\\", [1]]]', 3),
        ('["\\\\\\"]]]", []]', 2),
    ],
)
def test_depth_is_read_from_the_text(document: str, depth: int) -> None:
    json.loads(document)  # every example is valid JSON
    body = document.encode()
    assert not json_deeper(body, depth)
    assert json_deeper(body, depth - 1)


def test_a_page_nested_past_the_limit_is_told_apart() -> None:
    body = ("[" * 101 + "]" * 101).encode()
    assert json_deeper(body, 100) and not json_deeper(body, 101)


def _depth(value: object) -> int:
    """The reference: levels of the parsed value, walked."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


_TEXT = st.text(alphabet=st.sampled_from('ab"\\[]{}/\n\u00e9'), max_size=12)
_JSON = st.recursive(
    st.none() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=30,
)


@given(_JSON, st.booleans())
def test_depth_is_that_of_the_parsed_value(value: object, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    depth = _depth(value)
    assert not json_deeper(body, depth)
    assert json_deeper(body, depth - 1)
