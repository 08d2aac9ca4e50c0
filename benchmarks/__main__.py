"""`make bench`: run every benchmark module and print its figures.

`--sizes 50000,200000` (make bench SIZES=50000,200000) sets the harvest benchmark's sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from benchmarks import ROOT, harvest, local_filter, reporting, store_writes


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
    # In a process of its own: its peak memory figures start from nothing the others left.
    sizes_arg = ",".join(map(str, sizes))
    subprocess.run([sys.executable, "-m", "benchmarks.harvest", sizes_arg], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
