"""Stage 4: compare both records of every candidate pair, field by field, in batches.

Exact comparisons run in SQL; fuzzy ones run in RapidFuzz's `process.cpdist` over whole
arrays of pairs (C++, all cores). There is no Python loop over pairs and no n x n matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from harvester.dedup.features import Bools, Floats, PairFeatures

# One row per pair: the exact comparisons, and the strings the fuzzy ones need.
PAIR_FEATURES_SQL = """
SELECT p.a, p.b,
    ka.doi = kb.doi AS same_doi,
    ka.doi_alias = kb.doi_alias AS same_doi_alias,
    -- Versions of one Cochrane review (CD number), whatever their year.
    starts_with(ka.doi_alias, 'cochrane ') AND ka.doi_alias = kb.doi_alias AS same_review,
    ka.doi IS NOT NULL AND kb.doi IS NOT NULL AND ka.doi_alias <> kb.doi_alias AS doi_conflict,
    coalesce(
        ka.pmid = kb.pmid OR ka.pmcid = kb.pmcid OR ka.arxiv = kb.arxiv OR ka.embase = kb.embase,
        false
    ) AS same_id,
    coalesce(ka.pmid <> kb.pmid OR ka.arxiv <> kb.arxiv, false) AS id_conflict,
    abs(ka.year - kb.year) AS year_gap,
    ka.volume = kb.volume AS same_volume,
    ka.issue = kb.issue AS same_issue,
    -- Supplements are compared where both are numbered ("Suppl 2" and a bare "Suppl" agree).
    CASE WHEN ka.supplement <> '' AND kb.supplement <> '' THEN ka.supplement = kb.supplement END
        AS same_supplement,
    ka.supplement IS NOT NULL AS in_supplement_a, kb.supplement IS NOT NULL AS in_supplement_b,
    -- Not on a range of several pages (one page, or none given): an abstract may be.
    ka.page_count IS NULL AS no_range_a, kb.page_count IS NULL AS no_range_b,
    ka.meeting_numbers = kb.meeting_numbers AS same_meeting_numbers,
    ka.meeting IS NOT NULL AS has_meeting_a, kb.meeting IS NOT NULL AS has_meeting_b,
    -- "S197" and "197": the supplement letter is often dropped.
    ka.page_first_bare = kb.page_first_bare AS same_page,
    ka.page_last_bare = kb.page_last_bare AS same_last_page,
    -- Page 1, or front matter in roman numerals (keyed "0xiii"): where separately paginated
    -- issues start again.
    ka.page_first_bare = '1' OR starts_with(ka.page_first, '0') AS page_one,
    ka.kind = kb.kind AS same_kind,
    ka.part = kb.part AS same_part,
    -- "Part 1" in one title only: not a second part (that needs two numbers).
    ka.part = kb.part OR ka.part = '' OR kb.part = '' AS parts_compatible,
    -- Numbers in titles ("phase II", "in 2017") must agree; a number only one side has is
    -- usually an appended note, so one set may contain the other.
    ka.title_numbers = '' OR kb.title_numbers = ''
        OR list_has_all(string_split(ka.title_numbers, ' '), string_split(kb.title_numbers, ' '))
        OR list_has_all(string_split(kb.title_numbers, ' '), string_split(ka.title_numbers, ' '))
        AS same_numbers,
    ka.generic OR kb.generic AS generic,
    ka.category AS category_a, kb.category AS category_b,
    -- "Banihani" and "Banihani Saleem": a given name glued to the family name by an export.
    starts_with(ka.first_author || ' ', kb.first_author || ' ')
        OR starts_with(kb.first_author || ' ', ka.first_author || ' ') AS same_first_author,
    -- One author list is the start of the other (a list cut after the first authors).
    starts_with(ka.authors || ' ', kb.authors || ' ')
        OR starts_with(kb.authors || ' ', ka.authors || ' ') AS authors_prefix,
    -- One title is the other cut short (a database that drops subtitles or truncates).
    least(length(ka.title), length(kb.title)) >= 40
        AND (starts_with(ka.title, kb.title) OR starts_with(kb.title, ka.title)) AS title_prefix,
    -- One title is the other without its subtitle or its heading ("Infrastructure in the
    -- wild" and "Infrastructure in the wild: what mapping ... reveals"), at a word boundary.
    least(length(ka.title), length(kb.title)) >= 15
        AND (starts_with(ka.title || ' ', kb.title || ' ')
             OR starts_with(kb.title || ' ', ka.title || ' ')
             OR ends_with(' ' || ka.title, ' ' || kb.title)
             OR ends_with(' ' || kb.title, ' ' || ka.title)) AS title_affix,
    -- Both give a page range (not one page) and the ranges end on the same page.
    ka.page_last <> ka.page_first AND kb.page_last <> kb.page_first
        AND ka.page_last_bare = kb.page_last_bare AS same_range_end,
    least(length(ka.abstract), length(kb.abstract)) >= 150 AS abstracts_long,
    -- Both on a range of an article's length (four pages or more), as many pages each.
    ka.page_count = kb.page_count AND ka.page_count >= 3 AS same_page_count,
    -- "J Clin Virol" and "J Clin Virol: official publication of ...", "Gov Inf Q" and
    -- "Government Information Quarterly", "BMJ" and "British Medical Journal": one journal.
    length(ka.venue) >= 3 AND length(kb.venue) >= 3
        AND (starts_with(ka.venue || ' ', kb.venue || ' ')
             OR starts_with(kb.venue || ' ', ka.venue || ' '))
        OR starts_with(ka.venue_short || ' ', kb.venue_short || ' ')
        OR starts_with(kb.venue_short || ' ', ka.venue_short || ' ')
        OR ka.venue_acronym = kb.venue_acronym
        OR ka.venue_acronym = kb.venue_word OR kb.venue_acronym = ka.venue_word
        OR ka.venue_acronym = replace(kb.venue, ' ', '')
        OR kb.venue_acronym = replace(ka.venue, ' ', '') AS venue_prefix,
    -- A page field cut by an export: "29" for "S417-S429".
    CASE WHEN ka.page_first IS NOT NULL AND kb.page_first IS NOT NULL THEN
        ka.page_first_bare = kb.page_first_bare
        -- An article number ("e12724", "A1754") and page numbers cannot be compared.
        OR ka.article_number <> kb.article_number
        OR (ka.page_last IS NULL AND coalesce(ends_with(kb.page_last, ka.page_first), false))
        OR (kb.page_last IS NULL AND coalesce(ends_with(ka.page_last, kb.page_first), false))
        -- Two ranges of several pages that overlap: one article, a page number off in one
        -- (not merely a page shared, where one item ends and the next begins).
        OR coalesce(ka.page_from < kb.page_from + kb.page_count
                    AND kb.page_from < ka.page_from + ka.page_count, false)
    END AS pages_compatible,
    coalesce(ka.title, '') AS title_a, coalesce(kb.title, '') AS title_b,
    coalesce(ka.title_alt, '') AS alt_a, coalesce(kb.title_alt, '') AS alt_b,
    coalesce(ka.authors, '') AS authors_a, coalesce(kb.authors, '') AS authors_b,
    coalesce(ka.authors_given, '') AS given_a, coalesce(kb.authors_given, '') AS given_b,
    coalesce(ka.authors_bare, '') AS bare_a, coalesce(kb.authors_bare, '') AS bare_b,
    coalesce(ka.venue, '') AS venue_a, coalesce(kb.venue, '') AS venue_b,
    coalesce(ka.abstract, '') AS abstract_a, coalesce(kb.abstract, '') AS abstract_b,
    coalesce(ka.meeting, '') AS meeting_a, coalesce(kb.meeting, '') AS meeting_b
FROM {pairs} p
JOIN dedup_keys ka ON ka.work_id = p.a
JOIN dedup_keys kb ON kb.work_id = p.b
"""


class PairStrings:
    """The string columns of the pair table, compared as cpdist takes them (Python lists)."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table
        self._filled: dict[str, Bools] = {}  # most columns take part in several comparisons

    def _filled_in(self, name: str) -> Bools:
        if name not in self._filled:
            length = pc.utf8_length(self._table.column(name)).to_numpy(zero_copy_only=False)
            self._filled[name] = np.asarray(length) > 0
        return self._filled[name]

    def similarity(
        self, left: str, right: str, scorers: tuple[Callable[..., float], ...] = (fuzz.ratio,)
    ) -> Floats:
        """0..1 similarity of each pair of strings, the best of `scorers`; 0 where either is
        empty (unknown)."""
        both = self._filled_in(left) & self._filled_in(right)
        out = np.zeros(len(both))
        if not both.any():
            return out
        # Only pairs with both sides filled are compared (few records have a second title),
        # gathered by Arrow's C++ rather than a Python loop over pairs, once for all scorers.
        rows = np.flatnonzero(both)
        lefts = self._table.column(left).take(rows).to_pylist()
        rights = self._table.column(right).take(rows).to_pylist()
        best = np.maximum.reduce(
            [
                process.cpdist(lefts, rights, scorer=scorer, workers=-1, dtype=np.float32)
                for scorer in scorers
            ]
        )
        out[both] = np.asarray(best, dtype=np.float64) / 100.0
        return out


def title_similarity(strings: PairStrings) -> Floats:
    """The best of the titles compared, and each title against the other's second title."""
    best: Floats = np.maximum.reduce(
        [
            strings.similarity("title_a", "title_b"),
            strings.similarity("alt_a", "title_b"),
            strings.similarity("title_a", "alt_b"),
        ]
    )
    return best


def author_similarity(strings: PairStrings) -> Floats:
    """Family names, or (for an export that swapped them) family against given names."""
    best: Floats = np.maximum.reduce(
        [
            # The same names, also in another order ("Hong Zheng", "Zheng Hong").
            strings.similarity("authors_a", "authors_b", (fuzz.ratio, fuzz.token_sort_ratio)),
            strings.similarity("given_a", "authors_b"),
            strings.similarity("authors_a", "given_b"),
            # "Van der Berg" in one list, "Berg" (particle behind the initials) in the other.
            strings.similarity("bare_a", "authors_b"),
            strings.similarity("authors_a", "bare_b"),
        ]
    )
    return best


# Comparisons that are unknown (NULL) where either record lacks the field: each gives its flag
# and whether both records have the field.
_TRI_STATE = {
    "same_volume": "volume_known",
    "same_issue": "issue_known",
    "same_supplement": "supplement_known",
    "same_first_author": "first_author_known",
    "pages_compatible": "pages_known",
    "same_meeting_numbers": "meetings_known",
}
_FLAGS = (
    "same_doi",
    "same_doi_alias",
    "same_review",
    "doi_conflict",
    "same_id",
    "id_conflict",
    "in_supplement_a",
    "in_supplement_b",
    "no_range_a",
    "no_range_b",
    "has_meeting_a",
    "has_meeting_b",
    "same_page",
    "same_last_page",
    "page_one",
    "same_kind",
    "same_part",
    "parts_compatible",
    "same_numbers",
    "generic",
    "authors_prefix",
    "title_prefix",
    "title_affix",
    "same_range_end",
    "abstracts_long",
    "same_page_count",
    "venue_prefix",
)


def score_pairs(con: duckdb.DuckDBPyConnection, pairs: str = "candidate_pairs") -> PairFeatures:
    """The features of every pair (a, b) of table `pairs`."""
    table: pa.Table = con.sql(PAIR_FEATURES_SQL.format(pairs=pairs)).to_arrow_table()
    column: dict[str, Any] = {name: table.column(name) for name in table.column_names}

    def flag(name: str) -> Bools:
        return np.asarray(column[name].fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)

    def known(name: str) -> Bools:
        nulls = column[name].is_null().to_numpy(zero_copy_only=False)
        return ~np.asarray(nulls, dtype=bool)

    flags: dict[str, Bools] = {name: flag(name) for name in (*_FLAGS, *_TRI_STATE)}
    flags |= {both: known(name) for name, both in _TRI_STATE.items()}
    strings = PairStrings(table)
    title = title_similarity(strings)
    gap = column["year_gap"].to_numpy(zero_copy_only=False)
    return PairFeatures(
        a=column["a"].to_pylist(),
        b=column["b"].to_pylist(),
        year_gap=np.asarray(gap, dtype=np.float64),
        category_a=np.asarray(column["category_a"].to_pylist(), dtype=object),
        category_b=np.asarray(column["category_b"].to_pylist(), dtype=object),
        title=title,
        # Family names, or (for an export that swapped them) family against given names.
        authors=author_similarity(strings),
        venue=strings.similarity("venue_a", "venue_b"),
        abstract=strings.similarity("abstract_a", "abstract_b"),
        # Meeting names are written with and without their place, society or year.
        meeting=strings.similarity("meeting_a", "meeting_b", (fuzz.token_set_ratio,)),
        **flags,
    )
