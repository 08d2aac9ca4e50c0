"""Service logs: one line per event, as text for people or JSON for machines, never a secret.

Every record passes `MaskingFilter` on the handler, so whatever logs it (harvester, httpx's
request lines with their URLs, a traceback quoting a URL) is masked before it is written.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from harvester.secrets import mask

# Attributes every LogRecord has; anything else was passed as `extra=` and is a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# Paging cursors make request lines kilobytes long: a logged parameter value keeps 40 characters.
_LONG_VALUE = re.compile(r"(=[^&\s\"]{40})[^&\s\"]+")


class MaskingFilter(logging.Filter):
    """Masks the message, its arguments and any traceback of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = mask(record.getMessage())
        if record.name.startswith("httpx"):
            message = _LONG_VALUE.sub(r"\1…", message)
        record.msg, record.args = message, None
        if record.exc_info:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, mask(value))
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso(record.created)


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", and the event's own fields} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_text:
            data["traceback"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


def _iso(created: float) -> str:
    return (
        datetime.fromtimestamp(created, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def configure_logging(
    fmt: str = "text", level: int = logging.INFO, stream: TextIO | None = None
) -> None:
    """Send every logger's records, masked, to stderr as `fmt` ("text" or "json")."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # The web server's own access and error lines are replaced by the service's.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
