"""Pairs without the evidence every rule needs are not scored in full (harvester.dedup.evidence):
no rule may accept a pair that lacks it, and leaving those pairs out changes no cluster."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from harvester.dedup import evidence
from harvester.dedup.blocking import make_candidate_pairs
from harvester.dedup.engine import deduplicate, in_memory
from harvester.dedup.evidence import MIN_TITLE, Evidence
from harvester.dedup.features import PairFeatures
from harvester.dedup.keys import keys_table
from harvester.dedup.rules import Settings, decide
from harvester.dedup.standalone import deduplicate_entries
from harvester.inputs import read_entries
from harvester.work import Work
from tests.conftest import FIXTURES

PAIRS = 200_000
# Identifiers are rare among random pairs, so that the rules without one are tried often.
IDENTIFIERS = ("same_doi", "same_doi_alias", "same_review", "same_id")
# Similarities at and beside every threshold the rules use.
SIMILARITIES = (0.0, 0.3, 0.5, 0.59, 0.6, 0.79, 0.8, 0.85, 0.9, 0.94, 0.95, 0.97, 0.98, 1.0)
CATEGORIES = ("journal", "conference", "preprint", "book", "thesis", "")
FLOATS = ("title", "authors", "venue", "abstract", "meeting")
TITLES = (
    "Soil carbon under long drought in grasslands",
    "Coral reef recovery after a bleaching event",
    "Pollinator decline in farmed landscapes",
    "River flow regimes and fish migration",
    "Urban heat islands and tree cover",
    "Forest fire frequency in boreal zones",
    "Wetland birds as indicators of water quality",
)


def random_features(seed: int, count: int = PAIRS) -> PairFeatures:
    """Pairs whose every comparison is drawn at random, each on its own."""
    rng = np.random.default_rng(seed)
    values: dict[str, object] = {}
    for field in dataclasses.fields(PairFeatures):
        name = field.name
        if name in ("a", "b"):
            values[name] = [f"{name}{i}" for i in range(count)]
        elif name in FLOATS:
            values[name] = rng.choice(np.array(SIMILARITIES), count)
        elif name == "year_gap":
            values[name] = rng.choice(np.array([np.nan, 0.0, 1.0, 2.0]), count)
        elif name.startswith("category_"):
            values[name] = rng.choice(np.array(CATEGORIES, dtype=object), count)
        else:
            values[name] = rng.random(count) < (0.05 if name in IDENTIFIERS else 0.75)
    return PairFeatures(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("merge_preprints", [False, True])
def test_no_rule_accepts_a_pair_without_evidence(merge_preprints: bool) -> None:
    features = random_features(seed=17)
    decisions = decide(features, Settings(merge_preprints=merge_preprints))
    accepted = decisions.merged | decisions.linked
    assert accepted.sum() > 1_000  # the rules are tried, and many hold
    without = ~Evidence.of(features).could_match()
    assert without.sum() > 1_000
    assert not (accepted & without).any()


def test_each_piece_of_evidence_is_enough() -> None:
    no, yes = np.array([False]), np.array([True])
    pieces = {
        "identifier": Evidence(yes, no, no),
        "same first page": Evidence(no, yes, no),
        "close title, same authors": Evidence(no, no, yes),
    }
    assert {name: bool(e.could_match()[0]) for name, e in pieces.items()} == dict.fromkeys(
        pieces, True
    )
    assert not Evidence(no, no, no).could_match()[0]


def test_a_close_title_needs_authors_who_agree() -> None:
    features = random_features(seed=3, count=1_000)
    evidence_of = Evidence.of(features)
    close = (features.title >= MIN_TITLE) | features.title_prefix | features.title_affix
    assert (evidence_of.close_title_same_authors == (close & features.authors_agree)).all()


def test_other_articles_of_one_author_year_block_are_not_scored() -> None:
    # Made up: "Wang 2019" with other titles and pages, and one copy of the first article.
    works = [
        (
            f"s:{n}",
            Work(
                source="s",
                source_id=str(n),
                title=title,
                authors=("Wang, A.",),
                year=2019,
                pages=f"{n * 10}-{n * 10 + 5}",
            ),
        )
        for n, title in enumerate(TITLES, start=1)
    ]
    works.append(("t:1", dataclasses.replace(works[0][1], source="t")))
    with in_memory(keys_table(works)) as con:
        candidates = make_candidate_pairs(con)
        kept = evidence.keep_possible(con, "candidate_pairs", "possible_pairs")
        pairs = con.execute("SELECT a, b FROM possible_pairs").fetchall()
    assert candidates == 8 * 7 // 2
    assert (kept, pairs) == (1, [("s:1", "t:1")])
    result = deduplicate(works)
    assert result.root["t:1"] == result.root["s:1"]


def test_the_cases_cluster_alike_with_every_pair_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = list(read_entries(FIXTURES / "dedup" / "cases.csv"))

    def outcome() -> list[tuple[str, str, str]]:
        result = deduplicate_entries(entries)
        return [(str(r.record.record_id), r.cluster_id, r.reason) for r in result.rows]

    filtered = outcome()
    # Every pair has the evidence.
    monkeypatch.setattr(evidence.Evidence, "could_match", lambda e: np.ones_like(e.identifier))
    assert outcome() == filtered
