"""Whether a process is alive: what tells a killed process's leftovers (a run still marked
running, a temporary file) from those of one still at work."""

from __future__ import annotations

import os


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True
