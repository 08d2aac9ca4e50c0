"""JSON pages read, and JSON records written as stored text, by msgspec: parsing a page and
serializing its records took about a third of a harvest with the standard library's json.

msgspec refuses some of what json reads (NaN and Infinity, numbers beyond a double, a
byte-order mark, lone surrogates): such a page is read by json, its non-finite numbers kept
as `NonFinite`, which json (not msgspec) writes back. Whatever harvester read before, it
still reads, and writes the same way every time.
"""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec

from harvester.gc_pause import paused_gc

_DECODER = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder(order="sorted")


class NonFinite(float):
    """NaN, Infinity or a number beyond a double, as json reads it: msgspec would write it as
    null, so a record holding one is written by json instead (as NaN or Infinity)."""


def _number(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)


def parse_json(body: bytes) -> Any:
    """`body` parsed, the garbage collector held off meanwhile (harvester/gc_pause.py): every
    JSON page a harvest reads, and the floor beside the harvest benchmark, parse here."""
    with paused_gc():
        return parse_record(body)


def parse_record(text: bytes) -> Any:
    """One record's text parsed (as parse_json would, without pausing the collector: a page's
    records are parsed one by one while the walk holds it off for the whole page)."""
    try:
        return _DECODER.decode(text)
    except msgspec.DecodeError:  # what json reads and msgspec does not, or json's error
        return json.loads(text, parse_float=_number, parse_constant=NonFinite)


def json_payload(record: Any) -> str:
    """A JSON record as text: compact, keys sorted, so the same record gives the same text
    whatever order a source sent its keys in. Records are stored as the text they were sent
    as (harvester/json_records.py); this is the text of a record of a page parsed whole, and
    what two texts of one record are compared by."""
    try:
        return _ENCODER.encode(record).decode()
    except (TypeError, UnicodeEncodeError):  # a NonFinite number, or a lone surrogate
        return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def former_json_payload(record: Any) -> str:
    """The text stores written before json_payload hold (json.dumps with its default
    separators): a record stored that way and received again unchanged is known by it."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)
