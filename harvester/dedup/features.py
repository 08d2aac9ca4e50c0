"""What the rules see of a candidate pair: one typed structure of parallel arrays.

`PairFeatures` holds the comparisons `harvester.dedup.scoring` makes (exact ones in SQL, fuzzy
ones in RapidFuzz), and derives from them, once and by name, the evidence the rules and vetoes
of `harvester.dedup.rules` are written in ("the authors agree", "the locations conflict").
Thresholds are on 0..1 similarities (RapidFuzz normalized Indel).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strings = npt.NDArray[np.object_]

# The same title, but for punctuation, case and a letter or two.
IDENTICAL_TITLE = 0.98
# A title this similar is the same title with typos, markup or punctuation differences.
SAME_TITLE = 0.95
# Close enough when other fields confirm it (a subtitle dropped, a word translated).
CLOSE_TITLE = 0.90
# Author surname lists this similar are one list (initials, glued names, truncation aside).
SAME_AUTHORS = 0.80
# Author lists this similar are the same people, in the same order.
SAME_PEOPLE = 0.90
# Journal keys this similar name one journal; below VENUE_CONFLICT they name two.
SAME_VENUE = 0.80
VENUE_CONFLICT = 0.60
# Meeting names this similar (word sets) name one meeting.
SAME_MEETING = 0.60
# An abstract this long (letters) says enough to be compared.
LONG_ABSTRACT = 150


def authors_agree(authors: Floats, same_first_author: Bools, authors_prefix: Bools) -> Bools:
    """Surname lists 0.8 alike, or the same first author and lists half alike, or one list
    the start of the other (a list cut after its first names)."""
    return np.asarray(
        (authors >= SAME_AUTHORS)
        | (same_first_author & (authors >= 0.5))
        | (same_first_author & authors_prefix)
    )


@dataclass(frozen=True, eq=False)
class PairFeatures:
    """Every comparison of every candidate pair (a, b), as parallel arrays.

    A flag is False where either record lacks the field; `*_known` says whether both have it.
    Similarities are 0 where either record lacks the field.
    """

    a: list[str]
    b: list[str]
    same_doi: Bools
    same_doi_alias: Bools  # DOIs equal once punctuation is ignored
    same_review: Bools  # one Cochrane review (CD number), whatever the version
    doi_conflict: Bools  # both have a DOI and they differ
    same_id: Bools  # same PMID, PMCID, arXiv id or Embase accession number
    id_conflict: Bools  # different PMIDs or arXiv ids
    year_gap: Floats  # NaN where either year is missing
    same_volume: Bools
    volume_known: Bools
    same_issue: Bools
    issue_known: Bools
    same_supplement: Bools
    supplement_known: Bools
    in_supplement_a: Bools
    in_supplement_b: Bools
    no_range_a: Bools  # not on a range of several pages (one page, or none given)
    no_range_b: Bools
    same_page: Bools  # first pages, without letter prefix ("S197" and "197")
    same_last_page: Bools
    page_one: Bools  # page 1 or roman front matter, where every issue starts again
    same_kind: Bools  # both articles, or both the same kind of notice
    same_part: Bools
    parts_compatible: Bools  # a "Part 1" in one title only is not a second part
    same_numbers: Bools  # the numbers in the titles agree
    generic: Bools  # a title such as "Editorial"
    category_a: Strings  # journal, conference, preprint, book, thesis or ""
    category_b: Strings
    same_first_author: Bools
    first_author_known: Bools
    authors_prefix: Bools  # one author list is the start of the other
    title_prefix: Bools  # one title (40+ letters) starts the other
    title_affix: Bools  # one title is the other without its heading or subtitle
    same_range_end: Bools  # both give ranges of several pages, ending on the same page
    abstracts_long: Bools
    same_page_count: Bools
    venue_prefix: Bools  # one journal key starts, abbreviates or spells out the other
    pages_compatible: Bools
    pages_known: Bools
    same_meeting_numbers: Bools  # "22nd Congress ... 2014": the numbers of two meetings
    meetings_known: Bools
    has_meeting_a: Bools  # the record names the meeting it was given at
    has_meeting_b: Bools
    title: Floats  # best of title and alternative title combinations
    authors: Floats
    venue: Floats
    abstract: Floats
    meeting: Floats  # word sets of the meeting names

    def __len__(self) -> int:
        return len(self.a)

    # --- years and kinds of publication -----------------------------------------------------

    @cached_property
    def year_ok(self) -> Bools:
        """Years at most one apart, or one unknown."""
        return np.asarray(np.isnan(self.year_gap) | (self.year_gap <= 1))

    @cached_property
    def same_year(self) -> Bools:
        """The same year, or one unknown."""
        return np.asarray(np.isnan(self.year_gap) | (self.year_gap == 0))

    @cached_property
    def exact_year(self) -> Bools:
        """The same year, both known."""
        return np.asarray(self.year_gap == 0)

    @cached_property
    def preprint_pair(self) -> Bools:
        """One record a preprint, the other not."""
        return np.asarray((self.category_a == "preprint") != (self.category_b == "preprint"))

    @cached_property
    def conference_vs_journal(self) -> Bools:
        a, b = self.category_a, self.category_b
        return np.asarray(
            ((a == "conference") & (b == "journal")) | ((a == "journal") & (b == "conference"))
        )

    @cached_property
    def both_conference(self) -> Bools:
        return np.asarray((self.category_a == "conference") & (self.category_b == "conference"))

    @cached_property
    def journal_side_abstract(self) -> Bools:
        """The journal record of a conference/journal pair may be the abstract printed: in a
        supplement, or not on a range of several pages (an article is)."""
        a_journal = (self.category_a == "journal") & (self.in_supplement_a | self.no_range_a)
        b_journal = (self.category_b == "journal") & (self.in_supplement_b | self.no_range_b)
        return np.asarray(a_journal | b_journal)

    # --- where the article is ---------------------------------------------------------------

    @cached_property
    def volume_conflict(self) -> Bools:
        return self.volume_known & ~self.same_volume

    @cached_property
    def page_conflict(self) -> Bools:
        """Both give a first page and they differ; two ranges that end on the same page differ
        by a typo in the first ("2297-2108")."""
        return self.pages_known & ~self.pages_compatible & ~self.same_range_end

    @cached_property
    def issue_conflict(self) -> Bools:
        """Both give an issue and they differ. The issue is the field exports get wrong most
        ("104(1)" and "104(25)" for one article): with the same volume and first page it does
        not count, except on page 1 or a roman page (where every issue of a separately
        paginated journal starts) and for generic titles ("Editorial" opens every issue)."""
        typo = self.same_volume & self.same_page & ~self.page_one & ~self.generic
        return self.issue_known & ~self.same_issue & ~typo

    @cached_property
    def supplement_conflict(self) -> Bools:
        """Two supplements of one volume, both numbered ("Suppl 2" and "Suppl 3")."""
        return self.supplement_known & ~self.same_supplement

    @cached_property
    def location_ok(self) -> Bools:
        """No volume, first page, issue or supplement in conflict."""
        return (
            ~(self.volume_conflict | self.page_conflict | self.issue_conflict)
            & ~self.supplement_conflict
        )

    @cached_property
    def same_location(self) -> Bools:
        """The same first page, and no volume or issue in conflict."""
        return (
            self.same_page
            & ~self.volume_conflict
            & ~self.issue_conflict
            & ~self.supplement_conflict
        )

    @cached_property
    def same_range(self) -> Bools:
        """The same range of several pages in the same volume (proceedings have no volume: the
        same venue then). Two articles never share one."""
        in_volume = self.same_volume | (~self.volume_known & self.same_venue)
        return (
            in_volume
            & self.same_page
            & self.same_last_page
            & self.same_range_end
            & ~self.supplement_conflict
        )

    # --- authors and venues ----------------------------------------------------------------

    @cached_property
    def authors_agree(self) -> Bools:
        """Surname lists 0.8 alike, or the same first author and lists half alike, or one
        list the start of the other (a list cut after its first names)."""
        return authors_agree(self.authors, self.same_first_author, self.authors_prefix)

    @cached_property
    def authors_ok(self) -> Bools:
        """The authors agree, or one record has none."""
        return np.asarray(self.authors_agree | (self.authors == 0))

    @cached_property
    def same_venue(self) -> Bools:
        return (self.venue >= SAME_VENUE) | self.venue_prefix

    @cached_property
    def venue_ok(self) -> Bools:
        return np.asarray(self.same_venue | (self.venue == 0))

    @cached_property
    def venue_conflict(self) -> Bools:
        """Two journals: keys under 0.6 alike and neither a prefix, acronym or two-letter form
        of the other. Conference names vary most ("AMCIS 2017 Proceedings", "Americas
        Conference on Information Systems"): for two papers of one year they do not count."""
        both_conference_same_year = self.both_conference & self.exact_year
        return (
            (self.venue > 0)
            & (self.venue < VENUE_CONFLICT)
            & ~self.venue_prefix
            & ~both_conference_same_year
            & ~self.preprint_pair
        )

    @cached_property
    def meeting_conflict(self) -> Bools:
        """Both name the meeting, and the meetings differ: other numbers ("22nd" and "23rd",
        2014 and 2015) or other names."""
        return self.meetings_known & (~self.same_meeting_numbers | (self.meeting < SAME_MEETING))

    # --- the whole citation ----------------------------------------------------------------

    @cached_property
    def full_citation(self) -> Bools:
        """Title (or the title without its heading), year, volume, first and last page: the
        whole citation names one article. Journal names are its least reliable part
        ("Cmaj", "Canadian Medical Association Journal")."""
        return (
            ((self.title >= SAME_TITLE) | self.title_affix)
            & self.exact_year
            & (~self.venue_conflict | self.authors_agree)
            & self.same_volume
            & self.same_page
            & self.same_last_page
            & ~self.issue_conflict
            & ~self.supplement_conflict
        )

    @cached_property
    def doi_title_authors_year(self) -> Bools:
        """The same title (0.95), authors (0.9) and year."""
        return (self.title >= SAME_TITLE) & (self.authors >= SAME_PEOPLE) & self.exact_year
