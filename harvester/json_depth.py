"""How deeply a JSON document nests, read from its bytes in a few array passes.

Walking the parsed value took longer than parsing the page; the text of a document json.loads
accepted says the same in about a tenth of that: a bracket outside strings opens or closes a
level, and a quote delimits a string unless an odd run of backslashes escapes it.
"""

from __future__ import annotations

import numpy as np

_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPENERS, _CLOSERS = (ord("["), ord("{")), (ord("]"), ord("}"))


def _delimiters(text: np.ndarray) -> np.ndarray:
    """Positions of the quotes that open or close strings (not the escaped ones)."""
    quotes = np.flatnonzero(text == _QUOTE)
    maybe = quotes[(quotes > 0) & (text[np.maximum(quotes - 1, 0)] == _BACKSLASH)]
    if not len(maybe):
        return quotes
    escaped = []
    for position in maybe.tolist():  # rare: only quotes right after a backslash
        run = 0
        while position - run - 1 >= 0 and text[position - run - 1] == _BACKSLASH:
            run += 1
        if run % 2:
            escaped.append(position)
    return np.setdiff1d(quotes, np.array(escaped, dtype=quotes.dtype), assume_unique=True)


def json_deeper(body: bytes, limit: int) -> bool:
    """Whether the valid JSON document `body` nests arrays and objects more than `limit`
    levels deep (a top-level object is one level)."""
    text = np.frombuffer(body, dtype=np.uint8)
    opens = (text == _OPENERS[0]) | (text == _OPENERS[1])
    brackets = np.flatnonzero(opens | (text == _CLOSERS[0]) | (text == _CLOSERS[1]))
    outside = np.searchsorted(_delimiters(text), brackets) % 2 == 0
    brackets = brackets[outside]
    if not len(brackets):
        return limit < 0
    steps = np.where(opens[brackets], 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max()) > limit
