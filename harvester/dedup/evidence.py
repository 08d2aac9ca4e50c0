"""Stage 4, first look: candidate pairs that no rule could accept are not compared further.

Blocking puts every record of a large author-year block ("Wang 2019") with every other, and
most of those pairs have other titles, other pages and nothing else in common. Comparing their
authors, journals and abstracts is most of the cost of scoring, for nothing: every rule of
`harvester.dedup.rules` needs one piece of `Evidence` below, and a pair without any is neither
merged nor linked, whatever else agrees. So the evidence is compared first (identifiers, page
and title, in SQL and RapidFuzz), a large batch at a time, and only the pairs that have some
are scored in full. The decisions are the same: tests/test_dedup_evidence.py holds every rule
to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from harvester.dedup.batches import BATCH, pair_batches, pair_table, registered
from harvester.dedup.features import Bools, Floats, PairFeatures
from harvester.dedup.scoring import PAIR_FEATURES_SQL, PairStrings, title_similarity

# The lowest title similarity a rule accepts without an identifier, a title that starts or
# ends the other, or the same place in one volume ("shortened or reworded title...", "same
# PubMed/PMC/arXiv/Embase id": 0.8).
MIN_TITLE = 0.8
# Pairs looked at once: their titles and a few flags, about 400 bytes a pair.
EVIDENCE_BATCH = 100_000

# The columns of the full comparison the evidence reads (DuckDB computes only these).
_EVIDENCE_SQL = f"""
SELECT a, b, same_doi, same_doi_alias, same_review, same_id, title_prefix, title_affix,
       same_page, same_volume, same_issue, year_gap, title_a, title_b, alt_a, alt_b
FROM ({PAIR_FEATURES_SQL.format(pairs=BATCH)})
"""


@dataclass(frozen=True, eq=False)
class Evidence:
    """For each pair, what every rule needs one of."""

    identifier: Bools  # one DOI (in any spelling), Cochrane review, PubMed/PMC/arXiv/Embase id
    title: Floats  # as `PairFeatures.title`
    title_cut: Bools  # one title starts or ends the other
    same_place: Bools  # the same year, volume, issue and first page

    @classmethod
    def of(cls, f: PairFeatures) -> Evidence:
        return cls(
            identifier=f.same_doi | f.same_doi_alias | f.same_review | f.same_id,
            title=f.title,
            title_cut=f.title_prefix | f.title_affix,
            same_place=f.same_page & f.same_volume & f.same_issue & f.exact_year,
        )

    def could_match(self) -> Bools:
        """Pairs some rule might accept (merged or linked); the others no rule accepts."""
        return np.asarray(
            self.identifier | self.title_cut | self.same_place | (self.title >= MIN_TITLE)
        )


def _evidence(table: pa.Table) -> Evidence:
    def flag(name: str) -> Bools:
        column = table.column(name).fill_null(False)
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)

    gap = np.asarray(table.column("year_gap").to_numpy(zero_copy_only=False), dtype=np.float64)
    return Evidence(
        identifier=flag("same_doi")
        | flag("same_doi_alias")
        | flag("same_review")
        | flag("same_id"),
        title=title_similarity(PairStrings(table)),
        title_cut=flag("title_prefix") | flag("title_affix"),
        same_place=flag("same_page") & flag("same_volume") & flag("same_issue") & (gap == 0),
    )


def possible_pairs(con: duckdb.DuckDBPyConnection, pairs: pa.Table) -> pa.Table:
    """The pairs (a, b) of `pairs` some rule could accept."""
    kept = [pairs.schema.empty_table()]
    for _ in pair_batches(con, pairs, EVIDENCE_BATCH):
        table = con.sql(_EVIDENCE_SQL).to_arrow_table()
        possible = pa.array(_evidence(table).could_match(), pa.bool_())
        kept.append(table.select(["a", "b"]).filter(possible).cast(pairs.schema))
    return pa.concat_tables(kept)


def keep_possible(con: duckdb.DuckDBPyConnection, pairs: str, into: str) -> int:
    """Temp table `into` (a, b): the pairs of table `pairs` some rule could accept; how many."""
    found = possible_pairs(con, pair_table(con, pairs))
    with registered(con, "kept_pairs", found):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS SELECT a, b FROM kept_pairs")
    return int(found.num_rows)
