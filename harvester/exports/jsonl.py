"""JSON Lines: one object per cluster with every field of its record, for scripts and notebooks."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from harvester.exports.text import printable


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        # JSON would keep a control character as an escape (\u0000): take it out of the text.
        text = json.dumps(printable(record), ensure_ascii=False, sort_keys=True, default=str)
        out.write(text + "\n")
        count += 1
    return count
