"""A JSON page's records kept as the bytes the source sent, each parsed only when asked for.

A page is split down to its list of records without parsing them (msgspec skips over each
record's text): a record's stored payload is its text as sent, hashed as it is, so a record a
source sends again unchanged is known by that hash and never parsed or serialized again.
Everything around the list (totals, page tokens, an error message) is parsed as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import msgspec

from harvester.json_depth import json_deeper
from harvester.json_text import parse_record

_OBJECT = msgspec.json.Decoder(dict[str, msgspec.Raw])
_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_UNPARSED = object()


class JsonRecords(Sequence[Any]):
    """A page's records: the text of each as sent, parsed on first use.

    `too_deep` is raised (made by the callable) for a record nesting more than `depth_left`
    levels: the levels above it in the page count towards the page's limit."""

    def __init__(
        self, texts: list[bytes], depth_left: int, too_deep: Callable[[], Exception]
    ) -> None:
        self.texts = texts
        self._parsed: list[Any] = [_UNPARSED] * len(texts)
        self._digests: list[str] | None = None
        self._depth_left = depth_left
        self._too_deep = too_deep

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value = self._parsed[index]
        if value is _UNPARSED:
            value = self._parsed[index] = self._parse(self.texts[index])
        return value

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def is_parsed(self, index: int) -> bool:
        return self._parsed[index] is not _UNPARSED

    def text(self, index: int) -> str:
        """The record's text as the source sent it: its stored payload."""
        return self.texts[index].decode()

    def digest(self, index: int) -> str:
        """The hash of that text (raw_records.payload_sha)."""
        return self.digests()[index]

    def digests(self) -> list[str]:
        """Every record's hash, taken once."""
        if self._digests is None:
            self._digests = [hashlib.sha256(text).hexdigest() for text in self.texts]
        return self._digests

    def _parse(self, text: bytes) -> Any:
        return _parsed_within(text, self._depth_left, self._too_deep)


def split_page(
    body: bytes, path: tuple[str, ...], depth_limit: int, too_deep: Callable[[], Exception]
) -> dict[str, Any] | None:
    """The JSON object `body` parsed, except the list at `path`, which is a JsonRecords; None
    where the page has no list there (an error document, a single record) or msgspec cannot
    split it (what only json reads): such a page is parsed whole instead.

    Everything parsed here is held to `depth_limit` levels (too_deep raised); the records
    are, when parsed."""
    if not path:
        return None
    try:
        page: dict[str, Any] = {}
        outer, texts = page, _OBJECT.decode(body)
        for depth, key in enumerate(path, 1):
            inner = texts.pop(key, None)
            if inner is None:
                return None
            outer.update(_parsed(texts, depth, depth_limit, too_deep))
            if depth == len(path):
                records = [bytes(text) for text in _LIST.decode(inner)]
                outer[key] = JsonRecords(records, depth_limit - depth - 1, too_deep)
                return page
            inner_page: dict[str, Any] = {}
            outer[key] = inner_page
            outer = inner_page
            texts = _OBJECT.decode(inner)
    except (msgspec.DecodeError, RecursionError):  # not an object, or what json reads
        return None
    return None


def _parsed(
    texts: dict[str, msgspec.Raw], depth: int, depth_limit: int, too_deep: Callable[[], Exception]
) -> dict[str, Any]:
    """Values beside the records, parsed: each nests within an object `depth` levels down."""
    return {
        key: _parsed_within(bytes(text), depth_limit - depth, too_deep)
        for key, text in texts.items()
    }


def _parsed_within(text: bytes, limit: int, too_deep: Callable[[], Exception]) -> Any:
    """`text` parsed, unless it nests more than `limit` levels (too_deep raised). Counting
    brackets is cheap and bounds the depth: only a text with more of them than `limit` is
    measured exactly."""
    if text.count(b"[") + text.count(b"{") > limit and json_deeper(text, limit):
        raise too_deep()
    return parse_record(text)
