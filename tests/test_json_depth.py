"""How deeply a JSON page nests, read from its bytes (harvester/json_depth.py)."""

from __future__ import annotations

import json

import pytest

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
