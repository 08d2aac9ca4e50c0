"""Stage 5: which candidate pairs are copies of the same article, and why.

A duplicate is another copy of the same bibliographic record (the same article), not another
report of the same study. Every rule and veto below is one named entry: its condition over the
pair's features (`harvester.dedup.features`), its thresholds by name, and a one-line reason.
A veto keeps a pair apart whatever agrees; the rules are read top to bottom, and the first one
that holds, with none of its vetoes, is the reason stored for the pair. Adding or removing a
rule is one entry in RULES; each has a made-up example in tests/fixtures/dedup/.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from harvester.dedup.features import (
    CLOSE_TITLE,
    IDENTICAL_TITLE,
    SAME_PEOPLE,
    SAME_TITLE,
    Bools,
    PairFeatures,
)

Thresholds = Mapping[str, float]
Condition = Callable[[PairFeatures, Thresholds], Bools]
_NONE: Thresholds = MappingProxyType({})


@dataclass(frozen=True)
class Veto:
    """Evidence that two records are two items, whatever else agrees."""

    name: str
    why: str
    condition: Condition
    thresholds: Thresholds = field(default_factory=lambda: _NONE)

    def holds(self, features: PairFeatures) -> Bools:
        return np.asarray(self.condition(features, self.thresholds), dtype=bool)


@dataclass(frozen=True)
class Rule:
    """Evidence that two records are one article; `name` is the reason stored for the pair."""

    name: str
    why: str
    condition: Condition
    vetoes: tuple[str, ...]  # names of the vetoes that overrule it
    thresholds: Thresholds = field(default_factory=lambda: _NONE)

    def holds(self, features: PairFeatures) -> Bools:
        return np.asarray(self.condition(features, self.thresholds), dtype=bool)


def _numbers_differ(f: PairFeatures) -> Bools:
    """Different numbers in the titles ("... in 2017" and "... in 2018"); but one page range
    of one year by the same authors is one article whose title a database misspelt
    ("p16INK4a" and "p6INK4a")."""
    return ~f.same_numbers & ~(f.same_range & f.authors_agree & f.exact_year)


def _container_doi(f: PairFeatures, t: Thresholds) -> Bools:
    # Other titles under one DOI: in two places of one journal, or two abstracts of one
    # supplement or meeting that do not share a page. (The same title on two page ranges is
    # one article a database paginated wrongly.)
    abstracts = f.in_supplement_a | f.in_supplement_b | f.both_conference
    elsewhere = (f.page_conflict & ~f.venue_conflict) | (~f.same_page & abstracts)
    # Another title (not merely a subtitle dropped), or other authors (a debate's two sides).
    other_title = (f.title < t["title"]) & ~f.title_affix
    other_people = (f.authors > 0) & ~f.authors_agree
    # The same authors on as many pages (an article's length) are one text printed twice
    # under its DOI (a translation in the same issue), not two items of a container.
    one_text = (f.authors >= t["authors"]) & f.same_page_count
    return f.same_doi & (other_title | other_people) & elsewhere & ~one_text


VETOES: tuple[Veto, ...] = (
    Veto(
        "a notice and the article it concerns",
        "an erratum, retraction, withdrawal notice or reply is not the article it concerns",
        lambda f, t: ~f.same_kind,
    ),
    Veto(
        "two PubMed or arXiv records",
        "different PMIDs or arXiv ids are two records (a preprint's aside)",
        lambda f, t: f.id_conflict & ~f.preprint_pair,
    ),
    Veto(
        "different parts",
        '"Part 1" and "Part 2" are two articles',
        lambda f, t: ~f.same_part,
    ),
    Veto(
        "different numbers in the titles",
        '"... in 2017" and "... in 2018", "delta 8" and "delta 9" are two articles',
        lambda f, t: _numbers_differ(f),
    ),
    Veto(
        "one DOI for several items (an issue's or supplement's)",
        "one DOI on records with other titles or authors, in two places of one journal or on "
        "two abstracts of a supplement, is the container's DOI, not an article's",
        _container_doi,
        MappingProxyType({"title": SAME_TITLE, "authors": SAME_PEOPLE}),
    ),
    Veto(
        "different DOIs",
        "two DOIs are two articles, unless the whole citation by the same authors is one "
        "(a publisher's old and new DOI)",
        lambda f, t: f.doi_conflict & ~f.preprint_pair & ~(f.full_citation & f.authors_agree),
    ),
    Veto(
        "years apart",
        "years more than one apart are two articles",
        lambda f, t: ~f.year_ok,
    ),
    Veto(
        "a meeting abstract and a journal article",
        "a conference abstract and the later article are two items; the same abstract printed "
        "in the journal (a supplement, or no page range; same year and authors) is one",
        lambda f, t: (
            f.conference_vs_journal
            & ~f.same_location
            & ~(
                f.same_year & (f.authors >= t["authors"]) & f.venue_prefix & f.journal_side_abstract
            )
        ),
        MappingProxyType({"authors": SAME_PEOPLE}),
    ),
    Veto(
        "one abstract at two meetings",
        "an abstract given at two congresses (other meeting names, or other years where a "
        "record is a meeting abstract, not a paper in proceedings) is two records",
        lambda f, t: (
            f.both_conference
            & (f.meeting_conflict | ((f.year_gap >= 1) & (f.has_meeting_a | f.has_meeting_b)))
        ),
    ),
    Veto(
        "two abstracts with other titles",
        "abstracts of one meeting or supplement with other titles and no shared page are two, "
        "however alike their titles and authors",
        lambda f, t: (
            (f.both_conference | (f.in_supplement_a & f.in_supplement_b))
            & (f.title < t["title"])
            & ~f.title_affix
            & ~f.same_page
        ),
        MappingProxyType({"title": SAME_TITLE}),
    ),
    Veto(
        "a supplement's abstract and a later article",
        "an abstract in a supplement (no page range) and a record outside one, a year apart, "
        "are the abstract and the article that followed it",
        lambda f, t: (
            (
                (f.in_supplement_a & f.no_range_a & ~f.in_supplement_b)
                | (f.in_supplement_b & f.no_range_b & ~f.in_supplement_a)
            )
            & (f.year_gap >= 1)
        ),
    ),
    Veto(
        "a generic title elsewhere",
        '"Editorial" or "Reply" on another page, or by other authors, is another item',
        lambda f, t: f.generic & ~(f.same_location & f.authors_agree),
    ),
    Veto(
        "no title",
        "without a title there is too little to go on",
        lambda f, t: f.title == 0,
    ),
    Veto(
        "a cut title in another venue",
        "a title cut short matches an abstract and an article: only within one journal",
        lambda f, t: ~f.same_venue | f.conference_vs_journal,
    ),
)

# Evidence that two records are two items, whatever identifier they share.
ALWAYS = (
    "a notice and the article it concerns",
    "two PubMed or arXiv records",
    "different parts",
    "different numbers in the titles",
    "one DOI for several items (an issue's or supplement's)",
)
# And evidence that fuzzy agreement (no shared identifier) cannot outweigh.
UNLESS_SAME_IDENTIFIER = (
    *ALWAYS,
    "different DOIs",
    "years apart",
    "a meeting abstract and a journal article",
    "one abstract at two meetings",
    "two abstracts with other titles",
    "a supplement's abstract and a later article",
    "a generic title elsewhere",
    "no title",
)


def _without(names: Sequence[str], *dropped: str) -> tuple[str, ...]:
    return tuple(name for name in names if name not in dropped)


def _same_doi(f: PairFeatures, t: Thresholds) -> Bools:
    title_ok = (
        (f.title >= t["title"])
        | ((f.title > 0) & (f.authors >= t["authors"]) & f.same_year & f.same_location)
        # A title one database reworded ("oxytocin's effects", "the effects of oxytocin").
        | (
            (f.title >= t["reworded_title"])
            & (f.authors >= t["authors"])
            & f.exact_year
            & f.same_venue
            & f.location_ok
        )
    )
    return (
        f.same_doi
        # A title a database misspelt on one page of one article.
        & (~_numbers_differ(f) | f.same_page)
        # Two journal names on one DOI: a database's mistake when title, authors and year
        # agree; two page ranges only when as long and in two journals (another journal's
        # reprint, indexed under the original's DOI).
        & (~f.venue_conflict | f.doi_title_authors_year)
        & (~f.page_conflict | (f.doi_title_authors_year & f.same_page_count & f.venue_conflict))
        & title_ok
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "same DOI",
        "one DOI, titles close (or reworded by the same authors), pages and journals agreeing",
        _same_doi,
        _without(ALWAYS, "different numbers in the titles"),
        MappingProxyType({"title": CLOSE_TITLE, "reworded_title": 0.8, "authors": SAME_PEOPLE}),
    ),
    Rule(
        "same DOI and full citation (title in another language)",
        "one DOI on one whole page range of one volume and year, whatever the title says",
        lambda f, t: (
            f.parts_compatible
            & f.same_doi
            & f.same_volume
            & f.same_range
            & f.exact_year
            & ~f.issue_conflict
            & ~f.venue_conflict
            & (f.title > 0)
        ),
        _without(ALWAYS, "different parts", "different numbers in the titles"),
    ),
    Rule(
        "same PubMed/PMC/arXiv/Embase id",
        "one database record, exported twice",
        lambda f, t: f.same_id & (f.title >= t["title"]) & f.year_ok,
        ALWAYS,
        MappingProxyType({"title": 0.8}),
    ),
    Rule(
        "same DOI (other spelling) and title",
        'DOIs equal but for punctuation ("jas.2013-6195", "jas2013-6195"), titles close',
        lambda f, t: f.same_doi_alias & (f.title >= t["title"]) & f.authors_ok & ~f.venue_conflict,
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": CLOSE_TITLE}),
    ),
    Rule(
        "same Cochrane review (another version)",
        "one CD number through its updates: the same title, or a retitled one by its first author",
        lambda f, t: (
            f.same_review
            & (
                (f.title >= t["title"])
                | ((f.title >= t["retitled"]) & f.same_first_author)
                | ((f.title >= t["no_authors_title"]) & ~f.first_author_known)
            )
        ),
        ALWAYS,
        MappingProxyType(
            {"title": IDENTICAL_TITLE, "retitled": 0.5, "no_authors_title": CLOSE_TITLE}
        ),
    ),
    Rule(
        "same title and full citation",
        "title, year, volume, first and last page name one article",
        lambda f, t: f.full_citation,
        UNLESS_SAME_IDENTIFIER,
    ),
    Rule(
        "same title, authors and year",
        "the same title by the same authors, a year apart at most, nothing in conflict",
        lambda f, t: (f.title >= t["title"]) & f.authors_agree & f.location_ok & ~f.venue_conflict,
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": SAME_TITLE}),
    ),
    Rule(
        "title cut short, same authors, year and journal",
        "a database that cuts long titles, within one journal and year",
        lambda f, t: (
            f.title_prefix & f.authors_agree & f.exact_year & f.location_ok & ~f.venue_conflict
        ),
        (*UNLESS_SAME_IDENTIFIER, "a cut title in another venue"),
    ),
    Rule(
        "same title and journal location",
        "a close title on the same first page of the same volume",
        lambda f, t: (f.title >= t["title"]) & f.same_location & f.authors_ok & f.venue_ok,
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": CLOSE_TITLE}),
    ),
    Rule(
        "close title, same authors and journal",
        "a close title by the same authors in the same journal, nothing in conflict",
        lambda f, t: (f.title >= t["title"]) & f.authors_agree & f.location_ok & f.same_venue,
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": CLOSE_TITLE}),
    ),
    Rule(
        "shortened or reworded title, same authors and full citation",
        "whole page ranges rarely coincide: a heading or subtitle dropped, a title translated back",
        lambda f, t: (
            (f.title_affix | (f.title >= t["title"]))
            & f.authors_agree
            & f.exact_year
            & f.same_range
            & ~f.issue_conflict
            & ~f.venue_conflict
        ),
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": 0.8}),
    ),
    Rule(
        "same title, authors, year, volume and abstract",
        "a journal named in two languages; the abstract confirms the article",
        lambda f, t: (
            (f.title >= t["title"])
            & f.authors_agree
            & f.same_first_author
            & f.exact_year
            & (f.abstract >= t["abstract"])
            & f.abstracts_long
            & f.same_volume
            & f.location_ok
        ),
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": SAME_TITLE, "abstract": SAME_TITLE}),
    ),
    Rule(
        "same title, authors, year and page range (supplement numbered two ways)",
        "a supplement numbered as a volume in one database and as an issue in another",
        lambda f, t: (
            (f.title >= t["title"])
            & f.authors_agree
            & f.exact_year
            & f.same_page
            & f.same_range_end
            & ~f.supplement_conflict
            & ~f.venue_conflict
        ),
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"title": SAME_TITLE}),
    ),
    Rule(
        "same authors and full citation (title in another language)",
        "a title in two languages: the same authors and whole citation identify the article",
        lambda f, t: (
            (f.authors >= t["authors"])
            & f.exact_year
            & f.same_venue
            & f.same_volume
            & f.same_issue
            & f.same_page
            & f.same_last_page
            & ((f.abstract >= t["abstract"]) | (f.abstract == 0))
        ),
        UNLESS_SAME_IDENTIFIER,
        MappingProxyType({"authors": SAME_PEOPLE, "abstract": 0.9}),
    ),
)


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
    conflict: Bools  # evidence of two items (cluster members must not have it)

    @property
    def merged(self) -> Bools:
        return np.asarray(self.reason != "", dtype=bool)


def veto_masks(features: PairFeatures, vetoes: Sequence[Veto] = VETOES) -> dict[str, Bools]:
    return {veto.name: veto.holds(features) for veto in vetoes}


def decide(
    features: PairFeatures,
    settings: Settings | None = None,
    *,
    rules: Sequence[Rule] = RULES,
    vetoes: Sequence[Veto] = VETOES,
) -> Decisions:
    """The reason each pair is one article ("" if it is not), the first rule that holds."""
    settings = settings or DEFAULT_SETTINGS
    vetoed = veto_masks(features, vetoes)
    reason = np.full(len(features), "", dtype=object)
    for rule in rules:
        overruled = np.zeros(len(features), dtype=bool)
        for name in rule.vetoes:
            if name in vetoed:  # a veto left out (to measure it) overrules nothing
                overruled |= vetoed[name]
        reason[(reason == "") & rule.holds(features) & ~overruled] = rule.name
    linked = (reason != "") & features.preprint_pair
    if not settings.merge_preprints:
        reason[linked] = ""
    return Decisions(reason, linked, _conflict(features, vetoed))


# Vetoes that say "two items" rather than "too little to go on": two records in one cluster
# must not have them (A~B and B~C do not make A~C when A and C are two articles).
CONFLICTS = (*_without(UNLESS_SAME_IDENTIFIER, "a generic title elsewhere", "no title"),)


def _conflict(features: PairFeatures, vetoed: Mapping[str, Bools]) -> Bools:
    # Two journals, unless something else puts the records together: the volume (one journal
    # under two names: "Jinko Chino Gakkai Ronbunshi", "Transactions of the Japanese Society
    # for Artificial Intelligence"), the first page or the DOI (a book and its series, a
    # journal and its section).
    f = features
    conflict = f.venue_conflict & ~f.same_volume & ~f.same_page & ~f.same_doi_alias
    for name in CONFLICTS:
        if name in vetoed:
            conflict = conflict | vetoed[name]
    return np.asarray(conflict, dtype=bool)
