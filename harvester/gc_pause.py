"""Python's cyclic garbage collector held off while a page is parsed and mapped.

Parsing a page of a thousand records creates a few hundred thousand objects, and each batch of
700 new objects starts a collection that walks every object still alive (the page, the store's
buffers): measured on a 4.6 MB Crossref page with a harvest's heap beside it, `json.loads` took
0.33 s with the collector on and 0.06 s with it off. Parsed JSON and mapped works hold no
reference cycles, so nothing they leave behind waits for the collector: their memory goes back
as soon as the page is done. Threads share the collector, so it is switched back on only when
the last thread inside a pause leaves it, and never if it was off before the first came in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0  # threads inside a pause
_was_enabled = False  # the collector's state when the first of them came in


def _enter() -> None:
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1


def _leave() -> None:
    global _inside
    with _lock:
        _inside -= 1
        if _inside == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused_gc() -> Iterator[None]:
    """The block runs without cyclic garbage collection (reference counting goes on)."""
    _enter()
    try:
        yield
    finally:
        _leave()


class GcHold:
    """A pause that starts and ends at two different places (a page's parsing, the next
    request): `hold` and `release` may each be called again, and count once."""

    def __init__(self) -> None:
        self.held = False

    def hold(self) -> None:
        if not self.held:
            _enter()
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            _leave()
