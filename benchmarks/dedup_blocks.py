"""Deduplication peak memory with large first-author-and-year blocks ("Wang 2019").

Each block holds `BLOCK` different articles by one surname in one year, so blocking pairs every
record of a block with every other (180k pairs for 600), each pair compared with both records'
titles, authors, venues and abstracts. Run in a child process per setting, so each peak (max
RSS) is its own: pairs scored in batches (`PAIR_BATCH`, the default) and, for comparison, all
at once. Printed, never asserted.

    .venv/bin/python -m benchmarks.dedup_blocks [--blocks 3]
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import ROOT
from benchmarks.phases import measure_child
from harvester.dedup import batches
from harvester.dedup.engine import deduplicate
from harvester.work import Work

BLOCK = 600
BLOCKS = 3
SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang")


def records(blocks: int) -> list[tuple[str, Work]]:
    out = []
    for n in range(blocks * BLOCK):
        surname, year = SURNAMES[n // BLOCK % len(SURNAMES)], 2019 + n // BLOCK // len(SURNAMES)
        work = Work(
            source="s",
            source_id=str(n),
            title=f"Effects of compound {n} on outcome {n * 7919 % 997} in a cohort study",
            authors=(f"{surname}, {chr(65 + n % 26)}.", f"Other{n % 50}, B.", "Third, C."),
            year=year,
            venue=f"Journal of Studies {n % 40}",
            abstract=f"Background {n}. " + " ".join(f"word{(n * k) % 5000}" for k in range(150)),
            volume=str(n % 30),
            pages=f"{n % 400}-{n % 400 + 8}",
        )
        out.append((f"s:{n}", work))
    return out


def run(blocks: int, batch: int) -> str:
    batches.PAIR_BATCH = batch
    result = deduplicate(records(blocks))
    clusters = len(set(result.root.values()))
    return f"{result.matches.candidates:,} pairs, {clusters:,} clusters"


def measured(label: str, blocks: int, batch: int) -> None:
    command = [sys.executable, "-m", "benchmarks.dedup_blocks", "--blocks", str(blocks)]
    phase = measure_child([*command, "--batch", str(batch)], ROOT, check=False)
    print(phase.line(label, phase.result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=BLOCKS)
    parser.add_argument("--batch", type=int)
    args = parser.parse_args()
    if args.batch:
        print(run(args.blocks, args.batch))
        return
    print(f"deduplication of {args.blocks} author-year blocks of {BLOCK} records")
    measured(f"batches of {batches.PAIR_BATCH:,}", args.blocks, batches.PAIR_BATCH)
    measured("all pairs at once", args.blocks, 10**9)


if __name__ == "__main__":
    main()
