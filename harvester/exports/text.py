"""Text as every export writes it: without control characters.

No export format carries them, and a reader (harvester's own among them) takes a NUL for binary
data. Crossref, for one, wraps series titles in the invisible C1 controls U+0098 and U+009C.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# Control characters (NUL, escape, ...; not tab or line breaks) and the C1 controls. Those that
# separate words (vertical tab, form feed, the separators, NEL) become a space.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_UNPRINTABLE = {
    code: (" " if chr(code) in _SPACES else None)
    for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
}


class PrintableStream:
    """Writes to `stream` with control characters taken out: whatever a format's writer
    does with a record's text, none reaches the file."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if _CONTROL.search(text):
            text = text.translate(_UNPRINTABLE)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def printable(value: Any) -> Any:
    """`value` (a record, a list, a string) with control characters taken out of its text; the
    very same object when it holds none (the common case, checked at C speed)."""
    if isinstance(value, str):
        if value.isprintable() or not _CONTROL.search(value):
            return value
        return value.translate(_UNPRINTABLE)
    if isinstance(value, dict):
        changed = {key: new for key, item in value.items() if (new := printable(item)) is not item}
        return {**value, **changed} if changed else value
    if isinstance(value, list | tuple):
        items = [printable(item) for item in value]
        return (
            items if any(new is not old for new, old in zip(items, value, strict=True)) else value
        )
    return value
