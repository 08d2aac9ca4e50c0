"""Snapshot and export of a large generated store: time, peak memory per phase, store growth.

A store of N records (a quarter of them duplicates: four records for every three clusters) is
generated in SQL, then each phase runs in its own process so its peak memory (max RSS) is its
own: the first snapshot, a snapshot with nothing new (and how much the file grew), and an
export per format. Printed, never asserted.

    .venv/bin/python -m benchmarks.snapshot_export [--records 200000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from benchmarks import ROOT
from benchmarks.phases import measure_child
from harvester.exports.files import export_records
from harvester.exports.stream import scope_ids, stream_records
from harvester.query import Query
from harvester.review import Review
from harvester.snapshot import create_snapshot
from harvester.store import open_store

SIZES = (200_000,)
REVIEW = Review(id="bench", title="bench", query=Query("x"), sources=(), path=Path("b.toml"))
FORMATS = ("ris", "csv", "bibtex", "jsonl")

# Four records per three clusters; titles, authors and abstracts of realistic length.
_GENERATE = """
CREATE TEMP TABLE generated AS
SELECT i, i * 3 // 4 AS c, CASE WHEN i % 2 = 0 THEN 'crossref' ELSE 'openalex' END AS source
FROM range($records) t(i);
INSERT INTO works BY NAME
SELECT source || ':' || i AS work_id, source, i::VARCHAR AS source_id,
       '10.5555/bench.' || c AS doi,
       'Study ' || c || ' of ' || repeat('widget citation ', 5) AS title,
       ['Author' || (c % 5000) || ', A.', 'Second, B.', 'Third, C.', 'Fourth, D.'] AS authors,
       2000 + c % 25 AS year, 'Journal of Things ' || (c % 700) AS venue,
       repeat(md5(c::VARCHAR) || ' ', 36) AS abstract, 'journal-article' AS type,
       'en' AS language, 'https://doi.org/10.5555/bench.' || c AS url,
       (c % 40)::VARCHAR AS volume, '1' AS issue, (c % 300) || '-' || (c % 300 + 9) AS pages,
       ['1234-5678'] AS issn, ['widgets', 'citations'] AS keywords,
       '{}'::JSON AS ids, now() AS mapped_at
FROM generated;
INSERT INTO review_records BY NAME
SELECT 'bench' AS review_id, source || ':' || i AS work_id, source, 1 AS first_run,
       1 AS last_run
FROM generated;
INSERT INTO cluster_members BY NAME
SELECT source || ':' || i AS work_id, 'C' || lpad(c::VARCHAR, 7, '0') AS cluster_id,
       'first' AS reason, now() AS added_at
FROM generated;
"""


def generate(db: Path, records: int) -> None:
    with open_store(db) as store, store.transaction() as con:
        for statement in _GENERATE.split(";"):
            if statement.strip():
                con.execute(statement, {"records": records} if "$records" in statement else None)


def phase(name: str, db: Path, out: Path, records: int) -> str:
    """Run one phase in this process; a line of what it did."""
    if name == "generate":
        generate(db, records)
        return f"{records:,} records"
    with open_store(db) as store:
        store.execute("SET enable_progress_bar = false")
        if name.startswith("snapshot"):
            summary = create_snapshot(store, REVIEW, run_id=1, now=datetime(2026, 1, 1))
            return f"{summary.clusters:,} clusters"
        snapshot = int(store.value("SELECT max(snapshot_id) FROM snapshots"))
        ids = scope_ids(store, snapshot)
        fmt = name.removeprefix("export-")
        count = export_records(stream_records(store, snapshot, ids, None), fmt, out / fmt)
        return f"{count:,} records, {(out / fmt).stat().st_size / 1e6:,.0f} MB"


def measured(name: str, db: Path, out: Path, records: int = 0) -> None:
    """Run a phase in a child process; print its time and peak memory. Every phase is a
    child, generating too, so each figure is that phase's own."""
    command = [sys.executable, "-m", "benchmarks.snapshot_export", "--phase", name]
    command += ["--records", str(records), "--db", str(db), "--out", str(out)]
    phase = measure_child(command, ROOT, check=False)
    print(phase.line(name, phase.result))


def store_size(db: Path) -> int:
    wal = db.with_name(db.name + ".wal")
    return db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def bench(records: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db, out = Path(folder) / "b.duckdb", Path(folder)
        print(f" {records:,} records ({records * 3 // 4:,} clusters):")
        measured("generate", db, out, records)
        measured("snapshot-first", db, out)
        before = store_size(db)
        measured("snapshot-nochange", db, out)
        print(f"  store growth, no-change snapshot: {(store_size(db) - before) / 1e6:.2f} MB")
        for fmt in FORMATS:
            measured(f"export-{fmt}", db, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int)
    parser.add_argument("--phase")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.phase:
        print(phase(args.phase, args.db, args.out, args.records or 0))
        return
    print("snapshot and export of a generated store (one timing each, a process per phase)")
    for records in (args.records,) if args.records else SIZES:
        bench(records)


if __name__ == "__main__":
    main()
