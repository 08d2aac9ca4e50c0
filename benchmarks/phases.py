"""Time and peak memory of one phase of a benchmark, in this process or in a child.

The peak is the resident set's high-water mark (VmHWM), reset before each phase through
/proc/self/clear_refs (Linux); where that cannot be reset, a sampler thread reads the resident
set every 20 ms instead.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATUS = Path("/proc/self/status")
SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    result: Any = None
    failed: str | None = None  # why the phase failed, when it did

    def line(self, label: str, extra: str = "") -> str:
        if self.failed:
            extra = f"FAILED: {self.failed[:160]}"
        return f"  {label:<40} {self.seconds:8.2f} s  {self.peak_mb:8,.0f} MB peak  {extra}"


SKIPPED = Measured(0.0, 0.0, 0, "skipped (an earlier phase failed)")


def _status_kb(field: str, status: Path = STATUS) -> int:
    """A memory figure (kB) of a process's status file; 0 once it is gone."""
    try:
        lines = status.read_text().splitlines()
    except OSError:
        return 0
    return next((int(x.split()[1]) for x in lines if x.startswith(field + ":")), 0)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class _Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = _status_kb("VmRSS")
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak_kb = max(self.peak_kb, _status_kb("VmRSS"))


def measure(action: Callable[[], Any], failures: tuple[type[Exception], ...] = ()) -> Measured:
    """Run `action` here: its time, and the process's peak resident memory while it ran; a
    failure of the kinds `failures` names is reported in the figures instead of raised."""
    sampler = None if _reset_peak() else _Sampler()
    if sampler:
        sampler.start()
    start = time.perf_counter()
    result, failed = None, None
    try:
        result = action()
    except failures as exc:
        failed = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    seconds = time.perf_counter() - start
    if sampler:
        sampler.done.set()
        sampler.join()
        peak_kb = sampler.peak_kb
    else:
        peak_kb = _status_kb("VmHWM")
    return Measured(seconds, peak_kb / 1024, result, failed)


def measure_child(command: Sequence[str], cwd: Path, *, check: bool = True) -> Measured:
    """Run `command` as a child process: its time, its own peak resident memory, read from its
    VmHWM until it ends (the kernel's ru_maxrss of a child counts the parent's memory it was
    forked with), and what it printed (`result`). A child that fails raises, or with
    `check=False` is returned as failed."""
    start = time.perf_counter()
    peak_kb = 0
    with tempfile.TemporaryFile() as said, tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, cwd=cwd, stdout=said, stderr=errors)
        status = Path(f"/proc/{child.pid}/status")
        while child.poll() is None:
            peak_kb = max(peak_kb, _status_kb("VmHWM", status))
            time.sleep(SAMPLE_SECONDS)
        said.seek(0)
        printed = said.read().decode().strip()
        failed = None
        if child.returncode:
            errors.seek(0)
            if check:
                raise subprocess.CalledProcessError(child.returncode, command, stderr=errors.read())
            failed = f"exit {child.returncode}: {errors.read().decode().strip()[-300:]}"
    return Measured(time.perf_counter() - start, peak_kb / 1024, printed, failed)


def store_bytes(path: Path) -> int:
    """The store's size on disk, its write-ahead log included."""
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
