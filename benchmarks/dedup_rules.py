"""Every rule and veto against the labels of every shared set: how many candidate pairs it
decided, and how many of those the labels call wrong.

For a rule: the pairs it was the stored reason for (`decided`), the pairs no other rule would
merge (`alone`: what removing it costs), and the pairs among them the labels keep apart
(`wrong`). For a veto: the pairs it keeps apart that the rules would otherwise merge
(`decided`; removing it merges them), and how many of those the labels call duplicates
(`wrong`). The chain check counts the accepted pairs it left out, and how many of those the
labels call duplicates. Runs in-process (untimed), after the timed runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harvester.dedup.chains import consistent
from harvester.dedup.engine import candidate_features, find_matches, in_memory
from harvester.dedup.features import Bools, PairFeatures
from harvester.dedup.prepare import prepare
from harvester.dedup.rules import RULES, VETOES, Settings, decide
from harvester.inputs import read_entries


@dataclass(frozen=True)
class Count:
    decided: int
    wrong: int
    alone: int | None = None  # rules only


@dataclass
class SetAudit:
    rules: dict[str, Count] = field(default_factory=dict)
    vetoes: dict[str, Count] = field(default_factory=dict)
    chains: Count = Count(0, 0)


CHAINS = "no chained merges (cluster check)"


def audit(records_file: Path, gold: dict[str, int]) -> SetAudit:
    records, keys = prepare(read_entries(records_file))
    record_id = {r.key: r.record_id for r in records}
    with in_memory(keys) as con:
        features = candidate_features(con)
        if features is None:
            return SetAudit()
        result = _rules_and_vetoes(features, _same_group(features, record_id, gold))
        matches = find_matches(con, Settings())
        kept = {(m.a, m.b) for m in consistent(con, matches.merged, Settings())}
    dropped = [m for m in matches.merged if (m.a, m.b) not in kept]
    wrong = sum(
        1
        for m in dropped
        if gold.get(record_id[m.a], -1) == gold.get(record_id[m.b], -2)  # labelled duplicates
    )
    result.chains = Count(len(dropped), wrong)
    return result


def _same_group(features: PairFeatures, record_id: dict[str, str], gold: dict[str, int]) -> Bools:
    groups_a = [gold.get(record_id[a], -1) for a in features.a]
    groups_b = [gold.get(record_id[b], -2) for b in features.b]
    return np.asarray([x == y for x, y in zip(groups_a, groups_b, strict=True)], dtype=bool)


def _rules_and_vetoes(features: PairFeatures, one_group: Bools) -> SetAudit:
    settings = Settings()
    decisions = decide(features, settings)
    merged = decisions.merged
    result = SetAudit()
    for rule in RULES:
        decided = np.asarray(decisions.reason == rule.name, dtype=bool)
        others = [r for r in RULES if r is not rule]
        alone = merged & ~decide(features, settings, rules=others).merged
        result.rules[rule.name] = Count(
            int(decided.sum()), int((decided & ~one_group).sum()), int(alone.sum())
        )
    for veto in VETOES:
        others_v = [v for v in VETOES if v is not veto]
        blocked = decide(features, settings, vetoes=others_v).merged & ~merged
        result.vetoes[veto.name] = Count(int(blocked.sum()), int((blocked & one_group).sum()))
    return result


def table(audits: dict[str, SetAudit]) -> str:
    """Rows: rules, vetoes, the cluster check; columns: sets."""
    names = list(audits)
    width = max(14, *(len(n) for n in names))
    labels = [f"rule: {r.name}" for r in RULES] + [f"veto: {v.name}" for v in VETOES] + [CHAINS]
    label_width = max(map(len, labels))
    lines = [
        "per rule: pairs it merged / of those the labels call two items (+ pairs no other rule "
        "merges)",
        "per veto and the cluster check: pairs kept apart that a rule would merge / of those the "
        "labels call duplicates",
        f"{'':<{label_width}} " + " ".join(f"{n[:width]:>{width}}" for n in names),
    ]

    def row(label: str, counts: list[Count]) -> str:
        cells = [
            f"{c.decided}/{c.wrong}" + (f" +{c.alone}" if c.alone is not None else "")
            for c in counts
        ]
        return f"{label:<{label_width}} " + " ".join(f"{cell:>{width}}" for cell in cells)

    lines += [row(f"rule: {r.name}", [audits[n].rules[r.name] for n in names]) for r in RULES]
    lines += [row(f"veto: {v.name}", [audits[n].vetoes[v.name] for n in names]) for v in VETOES]
    lines.append(row(CHAINS, [audits[n].chains for n in names]))
    return "\n".join(lines)


def suspects(audits: dict[str, SetAudit]) -> list[str]:
    """Rules only one set justifies (the only set where they merge a pair no other rule
    does), and rules or vetoes the labels call wrong anywhere."""
    lines = []
    for rule in RULES:
        counts = {name: a.rules[rule.name] for name, a in audits.items()}
        justified = [name for name, c in counts.items() if c.alone]
        if len(justified) == 1:
            lines.append(f"suspect: rule '{rule.name}' is justified by {justified[0]} alone")
        wrong = [name for name, c in counts.items() if c.wrong]
        if wrong:
            lines.append(f"FALSE MERGE: rule '{rule.name}' on {', '.join(wrong)}")
    return lines
