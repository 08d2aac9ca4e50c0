"""`make bench-dedup`: harvester and the peer tools on every labelled set in
../shared/data/dedup, scored with the README's rule, in one table; then the incremental case.

Every tool runs in its own process on the same file; wall time and peak resident memory are
taken from that process (os.wait4), so interpreter start-up and file reading count for all.
Peers run from .venv-bench (`make bench-env`) when it exists.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import ROOT
from benchmarks.dedup_incremental import measure
from benchmarks.dedup_rules import audit, suspects, table
from benchmarks.dedup_sets import Score, data_dir, gold_groups, score, sets

BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
PEERS = ("bib-dedupe", "asreview-datatools")
INCREMENTAL_SET = "asysd_srsr"


@dataclass(frozen=True)
class Run:
    tool: str
    seconds: float
    peak_mb: float
    score: Score | None
    error: str = ""


def _run(command: list[str], out: Path, gold: dict[str, int], tool: str, cwd: Path) -> Run:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read() if process.stderr else ""
    # Kilobytes on Linux. A tool that forks workers reports their peak itself (PEAK_KB=...),
    # since only its own process is ours to wait for.
    reported = [int(m) for m in re.findall(r"^PEAK_KB=(\d+)$", stderr, flags=re.MULTILINE)]
    peak = max([usage.ru_maxrss, *reported]) / 1024
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["(no message)"])[-1]
        return Run(tool, seconds, peak, None, f"exit {process.returncode}: {last[:120]}")
    with out.open(encoding="utf-8", newline="") as stream:
        predicted = {row["ID"]: row["cluster"] for row in csv.DictReader(stream)}
    return Run(tool, seconds, peak, score(predicted, gold))


def _row(name: str, run: Run) -> str:
    if run.score is None:
        return (
            f"{name:<28} {run.tool:<19} {'':>7} {run.seconds:>8.1f} {run.peak_mb:>8.0f}  "
            f"{run.error}"
        )
    s = run.score
    return (
        f"{name:<28} {run.tool:<19} {s.records:>7,} {run.seconds:>8.1f} {run.peak_mb:>8.0f} "
        f"{s.tp:>6} {s.fp:>4} {s.fn:>5} {s.sensitivity:>7.4f} {s.specificity:>7.4f} "
        f"{s.precision:>7.4f} {s.f1:>7.4f}"
    )


def main() -> None:
    folder = data_dir()
    if folder is None:
        print("bench-dedup: no labelled sets (../shared/data/dedup not found); skipped")
        return
    args = _arguments()
    known = {name for name, _, _ in sets(folder)}
    unknown = sorted(set(args.sets) - known)
    if unknown:
        sys.exit(
            f"bench-dedup: unknown set {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    peers = [] if args.no_peers else [p for p in PEERS if BENCH_PYTHON.exists()]
    if not peers and not args.no_peers:
        print("bench-dedup: peers not installed (run `make bench-env`); harvester only")
    only = set(args.sets)
    header = (
        f"{'set':<28} {'tool':<19} {'records':>7} {'seconds':>8} {'peak MB':>8} "
        # Four decimals: on 17,000 duplicate pairs a dozen missed ones is the third.
        f"{'TP':>6} {'FP':>4} {'FN':>5} {'sens':>7} {'spec':>7} {'prec':>7} {'F1':>7}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for name, records, truth in sets(folder):
            if only and name not in only:
                continue
            gold = gold_groups(truth)
            out = Path(tmp) / f"{name}.ours.csv"
            ours = [sys.executable, "-m", "benchmarks.dedup_tool", str(records), str(out)]
            print(_row(name, _run(ours, out, gold, "harvester", ROOT)), flush=True)
            for peer in peers:
                out = Path(tmp) / f"{name}.{peer}.csv"
                command = [
                    str(BENCH_PYTHON),
                    str(ROOT / "benchmarks" / "dedup_peers.py"),
                    peer,
                    str(records),
                    str(out),
                ]
                # In the temporary folder: a peer may leave caches in its working directory.
                print(_row(name, _run(command, out, gold, peer, Path(tmp))), flush=True)
    print_rule_table(folder, only)
    found = {name: records for name, records, _ in sets(folder)}
    if INCREMENTAL_SET in found and (not only or INCREMENTAL_SET in only):
        result = measure(found[INCREMENTAL_SET])
        print(
            f"\nincremental ({INCREMENTAL_SET}): {result.added:,} new records into a store of "
            f"{result.existing:,} deduplicated ones: dedup {result.dedup_seconds:.2f} s "
            f"(+ {result.write_seconds:.2f} s writing them; the first {result.existing:,} took "
            f"{result.first_seconds:.1f} s); same clusters as all at once: "
            f"{'yes' if result.same_clusters else 'NO'}"
        )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dedup", description="Deduplication on the labelled sets."
    )
    parser.add_argument("sets", nargs="*", help="set names (default: every set)")
    parser.add_argument("--no-peers", action="store_true", help="run harvester alone")
    return parser.parse_args()


def print_rule_table(folder: Path, only: set[str]) -> None:
    """Per rule and veto, per set: the pairs it decided and how many the labels call wrong."""
    audits = {
        name: audit(records, gold_groups(truth))
        for name, records, truth in sets(folder)
        if not only or name in only
    }
    print()
    print(table(audits))
    for line in suspects(audits):
        print(line)


if __name__ == "__main__":
    main()
