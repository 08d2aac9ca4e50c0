"""harvester's deduplication on one file, as the benchmark runs it (in its own process, so
time and peak memory are measured the same way as the peers'): writes ID,cluster rows."""

from __future__ import annotations

import csv
import resource
import sys
from pathlib import Path

from harvester.collector import long_lived_objects
from harvester.dedup.standalone import deduplicate_entries
from harvester.inputs import read_entries


def main() -> None:
    records_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    with long_lived_objects():  # as `harvester dedup` does
        outcome = deduplicate_entries(read_entries(records_path))
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ID", "cluster"])
        writer.writerows((row.record.record_id, row.cluster_id) for row in outcome.rows)
    # Large inputs are prepared in forked workers too: their peak counts, added to ours (an
    # upper bound, since pages they share with this process are counted twice).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"PEAK_KB={own + workers}", file=sys.stderr)


if __name__ == "__main__":
    main()
