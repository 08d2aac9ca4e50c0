"""Masking secrets (API keys, tokens, passwords) wherever a URL, an error or a log line is written.

Two nets, both applied by `mask`: by shape (a URL or text parameter whose name says key, token,
secret or password; a password in a URL's user part; an Authorization or x-api-key header) and
by value (every secret the process knows, registered once at start from the environment), so a
key that travels in a header or an error message quoting it is caught too.

    >>> mask("https://api.example.org/works?q=x&api_key=abc123")
    'https://api.example.org/works?q=x&api_key=***'
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
# Parameter names that carry a secret: api_key, apikey, access_token, password, client_secret...
_SECRET_NAME = r"[A-Za-z0-9_.-]*(?:key|token|secret|passw(?:or)?d|pwd|credential|signature)"
# The name must end in one of those words: `keywords=` or `tokenizer=` are not secrets.
_PARAMETER = re.compile(rf"(?i)((?:^|[?&;\s\"'(,])(?:{_SECRET_NAME})=)([^&;\s\"'#)]+)")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)([^@\s/]+)@")
_HEADER = re.compile(
    r"(?i)\b((?:authorization|proxy-authorization|x-api-key|api-key|apikey)[\"']?\s*[:=]\s*[\"']?"
    r"(?:bearer\s+|basic\s+|token\s+)?)([^\s\"',;}]+)"
)
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words

_known: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Mask this exact value (and its URL-encoded forms) from now on, wherever it appears."""
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        _known.update({value, quote(value, safe=""), quote_plus(value)})


def register_environment(names: Iterable[str]) -> list[str]:
    """Register the values of these environment variables; returns the names that were set."""
    found = []
    for name in names:
        value = os.environ.get(name)
        if value:
            register_secret(value)
            found.append(name)
    return found


def mask(text: str) -> str:
    """`text` with every secret it shows replaced by ***."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    text = _USERINFO.sub(rf"\1{MASK}@", text)
    text = _HEADER.sub(lambda m: m.group(1) + MASK, text)
    return _PARAMETER.sub(_masked_parameter, text)


def _masked_parameter(match: re.Match[str]) -> str:
    # A value already masked (and URL-encoded as %2A%2A%2A) is left as it was written.
    value = match.group(2)
    return match.group(0) if value.replace("%2A", "*") == MASK else match.group(1) + MASK


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask(text)
