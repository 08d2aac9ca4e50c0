"""harvester's deduplication on one file, as the benchmark runs it (in its own process, so
time and peak memory are measured the same way as the peers'): writes ID,cluster rows."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from harvester.dedup.standalone import deduplicate_entries
from harvester.inputs import read_entries


def main() -> None:
    records_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    outcome = deduplicate_entries(read_entries(records_path))
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ID", "cluster"])
        writer.writerows((row.record.record_id, row.cluster_id) for row in outcome.rows)


if __name__ == "__main__":
    main()
