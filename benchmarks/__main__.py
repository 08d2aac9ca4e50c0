"""`make bench`: run every benchmark module and print its figures.

`--sizes 50000,200000` (make bench SIZES=50000,200000) sets the harvest benchmark's sizes; the
snapshot-and-export benchmark takes the largest of them up to 200,000.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from benchmarks import ROOT, crossref_mapping, harvest, local_filter, reporting, store_writes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(s) for s in text.split(",")),
        default=harvest.DEFAULT_SIZES,
        help="records of each harvest benchmark run, comma-separated",
    )
    sizes = parser.parse_args().sizes
    store_writes.main()
    reporting.main()
    local_filter.main()
    crossref_mapping.main()
    # Each in a process of its own: its peak memory figures start from nothing the others left.
    sizes_arg = ",".join(map(str, sizes))
    for module, *args in (
        ("benchmarks.harvest", sizes_arg),
        # Its own generated store, and every export format: at most LARGE records.
        ("benchmarks.snapshot_export", "--records", str(min(max(sizes), harvest.LARGE))),
        ("benchmarks.dedup_blocks",),
    ):
        subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
