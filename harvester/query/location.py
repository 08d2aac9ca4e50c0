"""Where each character of a TOML string value sits in the file, for line:column errors.

A query usually is a multi-line literal string (`text = '''...'''`), whose characters map one
to one onto the file; basic strings ("..." and \"\"\"...\"\"\") have escapes, which are decoded
here step by step so positions stay right. If the decoded text does not equal the value TOML
read (an unusual layout), None is returned and callers fall back to the key's line.
"""

from __future__ import annotations

import re

Position = tuple[int, int]  # (line, column), both from 1

_KEY = re.compile(r"""^\s*["']?[A-Za-z0-9_-]+["']?\s*=\s*""")
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "e": "\x1b",
}


def value_positions(file_text: str, key_line: int, value: str) -> list[Position] | None:
    """File positions of every character of the string `value` assigned on line `key_line`."""
    lines = file_text.split("\n")
    if not 1 <= key_line <= len(lines):
        return None
    key = _KEY.match(lines[key_line - 1])
    if not key:
        return None
    offset = sum(len(line) + 1 for line in lines[: key_line - 1]) + key.end()
    for quote in ("'''", '"""', "'", '"'):
        if file_text.startswith(quote, offset):
            break
    else:
        return None
    start = offset + len(quote)
    multiline = len(quote) == 3
    if multiline and file_text.startswith("\n", start):
        start += 1  # TOML trims a newline right after the opening quotes
    elif multiline and file_text.startswith("\r\n", start):
        start += 2
    decoded, spots = _decode(file_text, start, quote)
    if decoded != value:
        return None
    return [_position(file_text, spot) for spot in spots]


def _decode(text: str, start: int, quote: str) -> tuple[str, list[int]]:
    out: list[str] = []
    spots: list[int] = []
    i = start
    basic = quote.startswith('"')
    while i < len(text) and not text.startswith(quote, i):
        ch = text[i]
        if basic and ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                spots.append(i)
                i += 2
                continue
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
                spots.append(i)
                i += 2 + width
                continue
            # A line-ending backslash swallows the newline and the whitespace after it.
            j = i + 1
            while j < len(text) and text[j] in " \t\r\n":
                j += 1
            i = j
            continue
        out.append(ch)
        spots.append(i)
        i += 1
    # A multi-line string may end with up to two quotes of its own before the closing three.
    while text.startswith(quote[0], i) and text.startswith(quote, i + 1) and len(quote) == 3:
        out.append(quote[0])
        spots.append(i)
        i += 1
    return "".join(out), spots


def _position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
