"""Stage 4, first look: candidate pairs that no rule could accept are not compared further.

Blocking puts every record of a large author-year block ("Wang 2019") with every other, and
a title family ("The X trial: effects of ...") with its siblings by other authors: most of
those pairs are two articles. Comparing their journals and abstracts is most of the cost of
scoring, for nothing: every rule of `harvester.dedup.rules` needs one piece of `Evidence`
below, and a pair without any is neither merged nor linked, whatever else agrees. So the
evidence is compared first (identifiers and first page in SQL; titles, then the authors of
pairs with a close title, in RapidFuzz), a large batch at a time, and only the pairs that
have some are scored in full. The decisions are the same: tests/test_dedup_evidence.py holds
every rule to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from harvester.dedup.batches import BATCH, pair_batches, pair_table
from harvester.dedup.features import Bools, Floats, PairFeatures, authors_agree
from harvester.dedup.scoring import (
    PAIR_FEATURES_SQL,
    PairStrings,
    author_similarity,
    title_similarity,
)
from harvester.store.database import registered

# The lowest title similarity a rule accepts without an identifier or the same first page
# ("shortened or reworded title, same authors and full citation": 0.8).
MIN_TITLE = 0.8
# Pairs looked at once: their titles, authors and a few flags, about 600 bytes a pair.
EVIDENCE_BATCH = 100_000

# The columns of the full comparison the evidence reads (DuckDB computes only these).
_EVIDENCE_SQL = f"""
SELECT a, b, same_doi, same_doi_alias, same_review, same_id, same_page,
       title_prefix, title_affix, same_first_author, authors_prefix,
       title_a, title_b, alt_a, alt_b, authors_a, authors_b, given_a, given_b, bare_a, bare_b
FROM ({PAIR_FEATURES_SQL.format(pairs=BATCH)})
"""


@dataclass(frozen=True, eq=False)
class Evidence:
    """For each pair, what every rule needs one of."""

    identifier: Bools  # one DOI (in any spelling), Cochrane review, PubMed/PMC/arXiv/Embase id
    same_page: Bools  # the same first page
    # A title at least MIN_TITLE alike, or one that starts or ends the other, by authors who
    # agree (`PairFeatures.authors_agree`).
    close_title_same_authors: Bools

    @classmethod
    def of(cls, f: PairFeatures) -> Evidence:
        return cls(
            identifier=f.same_doi | f.same_doi_alias | f.same_review | f.same_id,
            same_page=f.same_page,
            close_title_same_authors=_close_title(f.title, f.title_prefix | f.title_affix)
            & f.authors_agree,
        )

    def could_match(self) -> Bools:
        """Pairs some rule might accept (merged or linked); the others no rule accepts."""
        return np.asarray(self.identifier | self.same_page | self.close_title_same_authors)


def _close_title(title: Floats, title_cut: Bools) -> Bools:
    return np.asarray((title >= MIN_TITLE) | title_cut)


def _evidence(table: pa.Table) -> Evidence:
    def flag(name: str) -> Bools:
        column = table.column(name).fill_null(False)
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)

    identifier = flag("same_doi") | flag("same_doi_alias") | flag("same_review") | flag("same_id")
    same_page = flag("same_page")
    close = _close_title(
        title_similarity(PairStrings(table)), flag("title_prefix") | flag("title_affix")
    )
    # Authors are compared only where the title is close and nothing else is evidence (the
    # pair's other rows are possible whatever the authors say).
    rows = np.flatnonzero(close & ~identifier & ~same_page)
    authors = np.zeros(len(close))
    authors[rows] = author_similarity(PairStrings(table.take(rows)))
    agree = authors_agree(authors, flag("same_first_author"), flag("authors_prefix"))
    return Evidence(identifier, same_page, close & agree)


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
