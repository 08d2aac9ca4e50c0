"""Stage 5: which candidate pairs are copies of the same article, and why.

A duplicate is another copy of the same bibliographic record (the same article), not another
report of the same study. The rules below are read top to bottom: vetoes first (no evidence
outweighs them), then the kinds of agreement that make a pair a duplicate, each with the
reason stored for the pair. Thresholds are on 0..1 similarities (RapidFuzz normalized Indel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from harvester.dedup.scoring import Bools, PairScores

# The same title, but for punctuation, case and a letter or two.
IDENTICAL_TITLE = 0.98
# A title this similar is the same title with typos, markup or punctuation differences.
SAME_TITLE = 0.95
# Close enough when other fields confirm it (a subtitle dropped, a word translated).
CLOSE_TITLE = 0.90
# Author surname lists this similar are one list (initials, glued names, truncation aside).
SAME_AUTHORS = 0.80
SAME_VENUE = 0.80


@dataclass(frozen=True)
class Settings:
    """Options a reviewer may change."""

    # Preprint and journal version of one article: linked (default) or merged.
    merge_preprints: bool = False


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Decisions:
    reason: npt.NDArray[np.object_]  # "" where the pair is not a duplicate
    linked: Bools  # preprint/published pairs kept apart but linked

    @property
    def merged(self) -> Bools:
        return np.asarray(self.reason != "", dtype=bool)


def decide(s: PairScores, settings: Settings | None = None) -> Decisions:
    settings = settings or DEFAULT_SETTINGS
    e, k = s.exact, s.known
    n = len(s)
    gap = s.year_gap
    year_ok = np.isnan(gap) | (gap <= 1)
    same_year = np.isnan(gap) | (gap == 0)
    cat_a = np.asarray(s.category_a, dtype=object)
    cat_b = np.asarray(s.category_b, dtype=object)
    preprint_pair = (cat_a == "preprint") != (cat_b == "preprint")
    conference_vs_journal = ((cat_a == "conference") & (cat_b == "journal")) | (
        (cat_a == "journal") & (cat_b == "conference")
    )

    # Where both records say where the article is, they must say the same.
    volume_conflict = k["same_volume"] & ~e["same_volume"]
    # Two ranges that end on the same page differ by a typo in the first page ("2297-2108").
    page_conflict = k["pages_compatible"] & ~e["pages_compatible"] & ~e["same_range_end"]
    # The issue number is the field exports get wrong most ("104(1)" and "104(25)" for one
    # article): with the same volume and first page it does not count against a match,
    # except on page 1 or a roman page (where every issue of a separately paginated journal
    # or its front matter starts) and for generic titles ("Editorial" opens every issue).
    issue_typo = e["same_volume"] & e["same_page"] & ~e["page_one"] & ~e["generic"]
    issue_conflict = k["same_issue"] & ~e["same_issue"] & ~issue_typo
    location_ok = ~volume_conflict & ~page_conflict & ~issue_conflict
    same_location = e["same_page"] & ~volume_conflict & ~issue_conflict
    authors_known = s.authors > 0
    authors_agree = (
        (s.authors >= SAME_AUTHORS)
        | (e["same_first_author"] & (s.authors >= 0.5))
        | (e["same_first_author"] & e["authors_prefix"])  # a list cut after its first names
    )
    authors_ok = authors_agree | ~authors_known
    same_venue = (s.venue >= SAME_VENUE) | e["venue_prefix"]
    venue_ok = same_venue | (s.venue == 0)
    # Conference names vary most ("AMCIS 2017 Proceedings", "Americas Conference on
    # Information Systems"): for two papers of one year they do not count against a match.
    both_conference = (cat_a == "conference") & (cat_b == "conference") & (gap == 0)
    venue_conflict = (
        (s.venue > 0) & (s.venue < 0.6) & ~e["venue_prefix"] & ~both_conference & ~preprint_pair
    )

    # Two articles never share a page range (several pages) in one volume.
    same_range = (
        (e["same_volume"] | (~k["same_volume"] & same_venue))  # proceedings have no volume
        & e["same_page"]
        & e["same_last_page"]
        & e["same_range_end"]
    )

    # Vetoes: never the same article, whatever else agrees.
    another_item = (
        ~e["same_kind"]  # an erratum, retraction or reply is not the article it concerns
        # Different PubMed or arXiv records (a preprint and its journal version have two).
        | (e["id_conflict"] & ~preprint_pair)
    )
    notice_or_part = another_item | ~e["same_part"]  # Part 1 and Part 2
    # "... in 2017" vs "... in 2018", "delta 8" vs "delta 9"; but one page range of one year
    # by the same authors (or one DOI on one first page, below) is one article whose title a
    # database misspelt ("p16INK4a" and "p6INK4a", "Val108/158Met" and "Va1108/158Met").
    numbers_differ = ~e["same_numbers"] & ~(same_range & authors_agree & (gap == 0))
    veto = notice_or_part | numbers_differ
    # The whole citation (title, year, volume, first and last page) names one article; journal
    # names are the least reliable part of it ("Cmaj", "Canadian Medical Association Journal").
    full_citation = (
        ((s.title >= SAME_TITLE) | e["title_affix"])  # a heading or subtitle dropped
        & (gap == 0)
        & (~venue_conflict | authors_agree)
        & e["same_volume"]
        & e["same_page"]
        & e["same_last_page"]
        & ~issue_conflict
    )
    # Vetoes of fuzzy evidence (an identical DOI outweighs them). Two DOIs on one full
    # citation by the same authors are one article registered twice (a publisher's old and
    # new DOI), not two articles.
    fuzzy_veto = (
        veto
        | (e["doi_conflict"] & ~preprint_pair & ~(full_citation & authors_agree))
        | ~year_ok
        # A conference abstract and the later journal article are two items; the same
        # abstract indexed once as a meeting record and once in the journal supplement is one.
        | (
            conference_vs_journal
            & ~same_location
            & ~(same_year & (s.authors >= 0.9) & e["venue_prefix"])
        )
        | (e["generic"] & ~(same_location & authors_agree))
        | (s.title == 0)  # without titles there is too little to go on
    )

    doi_title_authors_year = (s.title >= SAME_TITLE) & (s.authors >= 0.9) & (gap == 0)

    reason = np.full(n, "", dtype=object)

    def rule(name: str, condition: Bools) -> None:
        reason[(reason == "") & condition] = name

    # Abstracts in a journal supplement often share the supplement's DOI: a DOI alone is
    # not enough when the titles or the pages say otherwise.
    rule(
        "same DOI",
        (~veto | (~notice_or_part & e["same_page"]))
        & e["same_doi"]
        # Two journal names on one DOI: one database's mistake when the title, authors and
        # year agree as well. Not two page ranges: a meeting abstract that a database gave
        # the later article's DOI has the same title, authors and year, on a page of its own;
        # unless both ranges are as long (an article another journal reprinted, indexed
        # under the original's DOI).
        & (~venue_conflict | doi_title_authors_year)
        & (~page_conflict | (doi_title_authors_year & e["same_page_count"]))
        & (
            (s.title >= CLOSE_TITLE)
            | ((s.title > 0) & (s.authors >= 0.9) & same_year & same_location)
            # A title one database reworded ("oxytocin's effects", "the effects of oxytocin")
            # or cut in the middle, under one DOI, by the same authors in the same journal.
            | ((s.title >= 0.8) & (s.authors >= 0.9) & (gap == 0) & same_venue & location_ok)
        ),
    )
    # One DOI on one whole page range of one volume and year is one article, whatever its
    # title says: a title given in two languages, an author list a database garbled, a
    # "Part 1" only one database kept.
    rule(
        "same DOI and full citation (title in another language)",
        ~another_item
        & e["parts_compatible"]
        & e["same_doi"]
        & e["same_volume"]
        & same_range
        & (gap == 0)
        & ~issue_conflict
        & ~venue_conflict
        & (s.title > 0),  # a record without a title is too little to go on (as below)
    )
    rule("same PubMed/PMC/arXiv/Embase id", ~veto & e["same_id"] & (s.title >= 0.8) & year_ok)
    rule(
        "same DOI (other spelling) and title",
        ~fuzzy_veto & e["same_doi_alias"] & (s.title >= CLOSE_TITLE) & authors_ok & ~venue_conflict,
    )
    # A Cochrane review keeps its CD number through its updates, retitled or not: one
    # article, in versions. Its author team changes from one update to the next; under an
    # unchanged title that does not make another review, but a retitled version must keep
    # its first author (and half its title, a check on a number garbled in the pages field).
    rule(
        "same Cochrane review (another version)",
        ~veto
        & e["same_review"]
        & (
            (s.title >= IDENTICAL_TITLE)
            | ((s.title >= 0.5) & e["same_first_author"])
            | ((s.title >= CLOSE_TITLE) & ~k["same_first_author"])  # a record without authors
        ),
    )
    rule("same title and full citation", ~fuzzy_veto & full_citation)
    rule(
        "same title, authors and year",
        ~fuzzy_veto & (s.title >= SAME_TITLE) & authors_agree & location_ok & ~venue_conflict,
    )
    rule(
        # Page data disagree more often than whole citations do: one database gives the
        # supplement pages, another the abstract number.
        "same title, authors, year, journal and volume",
        ~fuzzy_veto
        & (s.title >= SAME_TITLE)
        & (s.authors >= 0.9)
        & (gap == 0)
        & same_venue
        & location_ok,
    )
    rule(
        "title cut short, same authors, year and journal",
        ~fuzzy_veto
        & e["title_prefix"]
        & authors_agree
        & (gap == 0)
        & location_ok
        & ~venue_conflict,
    )
    rule(
        "same title and journal location",
        ~fuzzy_veto & (s.title >= CLOSE_TITLE) & same_location & authors_ok & venue_ok,
    )
    rule(
        "close title, same authors and journal",
        ~fuzzy_veto & (s.title >= CLOSE_TITLE) & authors_agree & location_ok & same_venue,
    )
    # Whole page ranges rarely coincide: the same range in the same volume and year, by the
    # same authors, is one article whose title one database shortened (subtitle or heading
    # dropped) or reworded (a translation given back in English).
    rule(
        "shortened or reworded title, same authors and full citation",
        ~fuzzy_veto
        & (e["title_affix"] | (s.title >= 0.8))
        & authors_agree
        & (gap == 0)
        & same_range
        & ~issue_conflict
        & ~venue_conflict,
    )
    # A journal named in another language ("Jinko Chino Gakkai Ronbunshi", "Transactions of
    # the Japanese Society for Artificial Intelligence"): the same title, authors, year,
    # volume and abstract still make one article. Not across a location conflict: the same
    # abstract printed in two journals or meeting supplements is two records.
    rule(
        "same title, authors, year, volume and abstract",
        ~fuzzy_veto
        & (s.title >= SAME_TITLE)
        & authors_agree
        & e["same_first_author"]
        & (gap == 0)
        & (s.abstract >= SAME_TITLE)
        & e["abstracts_long"]
        & e["same_volume"]
        & location_ok,
    )
    # A supplement is numbered as a volume in one database ("Kidney Int Suppl" 75) and as an
    # issue of the parent journal in another (volume 57, issue 75): the same title, authors,
    # year and whole page range name one article whatever the volume says.
    rule(
        "same title, authors, year and page range (supplement numbered two ways)",
        ~fuzzy_veto
        & (s.title >= SAME_TITLE)
        & authors_agree
        & (gap == 0)
        & e["same_page"]
        & e["same_range_end"]
        & ~venue_conflict,
    )
    # A title in two languages: the full citation identifies the article instead.
    rule(
        "same authors and full citation (title in another language)",
        ~fuzzy_veto
        & (s.authors >= 0.9)
        & (gap == 0)
        & same_venue
        & e["same_volume"]
        & e["same_issue"]
        & e["same_page"]
        & e["same_last_page"]
        & ((s.abstract >= 0.9) | (s.abstract == 0)),
    )

    # One article printed twice by one journal (reprinted in a later issue under a second
    # DOI): the same title, authors and abstract, on as many pages, a year apart at most. The
    # journal must be the very same one, not a close name: the same text in a second journal
    # ("J Evid Based Med" and its Chinese edition) is a second record. A conference abstract
    # and the article that followed it differ in length.
    rule(
        "same article printed again by its journal (same text and page count)",
        ~veto
        & year_ok
        & ~e["generic"]
        & ~preprint_pair
        & ~conference_vs_journal
        & (s.title >= IDENTICAL_TITLE)
        & (s.authors >= 0.95)
        & (s.abstract >= SAME_TITLE)
        & e["abstracts_long"]
        & (e["venue_prefix"] | (s.venue >= IDENTICAL_TITLE))
        & e["same_page_count"],
    )

    linked = (reason != "") & preprint_pair
    if not settings.merge_preprints:
        reason[linked] = ""
    return Decisions(reason, linked)
