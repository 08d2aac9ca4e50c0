"""The labelled deduplication sets in ../shared/data/dedup/ and the README's scoring rule."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from benchmarks import ROOT


def data_dir() -> Path | None:
    """Where the sets are: $HARVESTER_DEDUP_DATA, or shared/data/dedup beside the checkout (or
    beside the folder holding it, for a git worktree); None when there is none."""
    configured = os.environ.get("HARVESTER_DEDUP_DATA")
    candidates = [Path(configured).resolve()] if configured else []
    candidates += [up / "shared" / "data" / "dedup" for up in (ROOT.parent, ROOT.parent.parent)]
    return next((c for c in candidates if c.is_dir()), None)


def sets(folder: Path) -> list[tuple[str, Path, Path]]:
    """(name, records file, truth file) of every set in the folder, smallest first."""
    found = []
    for truth in sorted(folder.glob("*.merged_record_ids.csv")):
        name = truth.name.removesuffix(".merged_record_ids.csv")
        records = next(
            (
                p
                for p in (folder / f"{name}.records.csv", folder / f"{name}.records.csv.gz")
                if p.exists()
            ),
            None,
        )
        if records:
            found.append((name, records, truth))
    return sorted(found, key=lambda s: s[1].stat().st_size)


def gold_groups(truth: Path) -> dict[str, int]:
    with truth.open(encoding="utf-8", newline="") as stream:
        return {
            record_id: group
            for group, row in enumerate(csv.DictReader(stream))
            for record_id in row["merged_ids"].split(";")
        }


@dataclass(frozen=True)
class Score:
    records: int
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def f1(self) -> float:
        p, s = self.precision, self.sensitivity
        return 2 * p * s / (p + s) if p + s else 0.0


def score(predicted: dict[str, str], gold: dict[str, int]) -> Score:
    """The README's rule: N records, g gold groups, c clusters, m non-empty cells."""
    ids = list(predicted)
    n = len(ids)
    truth = {i: gold.get(i, f"single:{i}") for i in ids}
    m = len({(predicted[i], truth[i]) for i in ids})
    c = len(set(predicted.values()))
    g = len(set(truth.values()))
    return Score(n, n - m, m - c, m - g, c + g - m)
