"""Writing files whole or not at all.

Each file is written to a hidden temporary file beside its target and renamed over it, so a
reader never sees half a file. Several files that belong together (a deduplication table and its
merged records, a PRISMA diagram and its counts) are all written before any is renamed: when
one cannot be written, none appears. A finished file gets the permissions a file created
normally would (the umask), not the private ones of a temporary file. A temporary file left by a
process that was killed carries its pid in its name and is removed by the next write of that
file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, TextIO, TypeVar

from harvester.errors import InputError
from harvester.processes import alive

T = TypeVar("T")
Write = Callable[[TextIO], Any]
TEMP_SUFFIX = ".partial"
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")


def check_output(out: Path) -> Path:
    """The directory `out` will be written in; a clear error when it cannot be."""
    directory = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise InputError(f"cannot write {out}: it is a directory")
    if not directory.exists():
        raise InputError(f"cannot write {out}: directory {directory} does not exist")
    if not directory.is_dir():
        raise InputError(f"cannot write {out}: {directory} is not a directory")
    return directory


def write_atomically(
    out: Path, write: Callable[[TextIO], T], publish: AbstractContextManager[object] | None = None
) -> T:
    """Run `write` on a temporary file, then rename it to `out` (inside `publish`, if given)."""
    result: T = write_all_atomically([(out, write)], publish)[0]
    return result


def write_all_atomically(
    files: Sequence[tuple[Path, Write]], publish: AbstractContextManager[object] | None = None
) -> list[Any]:
    """Write every file to its temporary file first; only when all are written are they
    renamed into place, inside `publish` when given. A failure on any leaves none written."""
    for out, _ in files:
        check_output(out)
    staged: list[tuple[Path, Path]] = []
    results = []
    current = files[0][0] if files else Path()
    try:
        for current, write in files:
            temp = _temporary(current)
            staged.append((temp, current))
            with temp.open("w", encoding="utf-8", newline="") as stream:
                results.append(write(stream))
            os.chmod(temp, _mode_for(current))
        with publish or nullcontext():
            for temp, current in staged:
                os.replace(temp, current)
    except OSError as exc:
        _remove(temp for temp, _ in staged)
        raise InputError(f"cannot write {current}: {exc.strerror}") from None
    except BaseException:
        _remove(temp for temp, _ in staged)
        raise
    return results


def _temporary(out: Path) -> Path:
    """A new hidden file beside `out`, named for this process; stale ones are removed first."""
    directory = out.parent if str(out.parent) else Path(".")
    # Only this file's: a pid means nothing to another machine or container sharing the folder.
    remove_stale_temporaries(directory, out.name)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{out.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=directory
        )
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    os.close(handle)
    return Path(name)


def remove_stale_temporaries(directory: Path, name: str | None = None) -> list[Path]:
    """Remove the temporary files (of `name`, or of any file) that a killed process left."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in directory.iterdir():
            match = _TEMP.match(entry.name)
            if match and (name is None or match["name"] == name) and not alive(int(match["pid"])):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def _mode_for(out: Path) -> int:
    """A replaced file keeps its mode; a new one gets what the umask allows (0644 usually)."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it (other threads may be creating files)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove(paths: Any) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)
