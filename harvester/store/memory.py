"""How much memory DuckDB may hold for the store, and where it spills the rest.

DuckDB's own default is 80% of the machine, so its buffer cache grows with the store until the
process is as large as the machine lets it. harvester caps it instead: a share of the machine's
memory (or of its cgroup's limit, in a container), at most a ceiling. Large sorts, joins and
aggregations past the cap spill to a temporary folder next to the store file and finish.
`HARVESTER_DUCKDB_MEMORY` (any DuckDB size: "2GB", "512MiB") sets the cap outright.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV = "HARVESTER_DUCKDB_MEMORY"
_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)
MB = 2**20


@dataclass(frozen=True)
class MemoryRule:
    """The cap: `fraction` of the machine's memory, between `floor_mb` and `ceiling_mb`."""

    fraction: float = 0.25
    ceiling_mb: int = 1024
    floor_mb: int = 256

    def limit_mb(self, machine_bytes: int) -> int:
        share = int(machine_bytes * self.fraction) // MB
        return max(self.floor_mb, min(self.ceiling_mb, share))


DEFAULT_RULE = MemoryRule()


def machine_memory() -> int:
    """Bytes of memory this process may use: the machine's, or its cgroup's limit if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit in _CGROUP_LIMITS:
        try:
            text = limit.read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def memory_limit(
    environ: Mapping[str, str] | None = None,
    rule: MemoryRule = DEFAULT_RULE,
    machine_bytes: int | None = None,
) -> str:
    """DuckDB's memory_limit for the store: the variable's value when set, else the rule's."""
    given = (os.environ if environ is None else environ).get(ENV, "").strip()
    if given:
        return given
    return f"{rule.limit_mb(machine_memory() if machine_bytes is None else machine_bytes)}MB"


def temp_directory(store_file: Path) -> Path:
    """Where DuckDB spills: `<store>.tmp` beside the store file (same disk, same permissions)."""
    return store_file.with_name(store_file.name + ".tmp")
