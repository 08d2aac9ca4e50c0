"""The engine on hand-made records: every trap a reviewer meets, decided by a readable rule."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from harvester.dedup.engine import deduplicate
from harvester.dedup.keys import doi_alias, plain_title
from harvester.dedup.kinds import is_generic, part_number, record_kind
from harvester.dedup.rules import Settings
from harvester.normalize import split_authors
from harvester.work import Work

ARTICLE = Work(
    source="a",
    source_id="1",
    doi="10.1016/j.giq.2019.01.004",
    title="Open source software in e-government: a systematic review",
    authors=("Smith, John A.", "Jones, Kate"),
    year=2019,
    venue="Government Information Quarterly",
    volume="36",
    issue="1",
    pages="44-58",
    type="journal-article",
)


def copy(**changes: object) -> Work:
    return dataclasses.replace(ARTICLE, source="b", **changes)  # type: ignore[arg-type]


def same_cluster(a: Work, b: Work, settings: Settings | None = None) -> bool:
    result = deduplicate([("a", a), ("b", b)], settings or Settings())
    return result.root["a"] == result.root["b"]


def reason(a: Work, b: Work) -> str:
    matches = deduplicate([("a", a), ("b", b)]).matches.merged
    return matches[0].reason if matches else ""


def test_same_doi_written_differently_is_one_article() -> None:
    other = copy(doi="https://doi.org/10.1016/J.GIQ.2019.01.004", title=ARTICLE.title.upper())
    assert reason(ARTICLE, other) == "same DOI"


def test_without_doi_title_authors_and_year_decide() -> None:
    other = copy(
        doi=None,
        title="OPEN SOURCE SOFTWARE IN <i>E-GOVERNMENT</i> &amp; A SYSTEMATIC REVIEW",
        authors=("Smith J. A.", "Jones K."),
        venue="Gov Inf Q",
        pages="44–58",
    )
    assert reason(ARTICLE, other) == "same title and full citation"
    assert reason(ARTICLE, copy(doi=None, pages=None)) == "same title, authors and year"


@pytest.mark.parametrize(
    ("label", "changes"),
    [
        ("different DOIs", {"doi": "10.1016/j.giq.2019.01.999", "pages": None}),
        ("erratum", {"doi": None, "title": "Erratum: " + ARTICLE.title}),
        ("correction notice", {"doi": None, "title": "Correction to: " + ARTICLE.title}),
        ("retraction notice", {"doi": None, "title": "Retraction notice: " + ARTICLE.title}),
        ("reply", {"doi": None, "title": "Reply to: " + ARTICLE.title}),
        ("years apart", {"doi": None, "year": 2022}),
        ("part 2", {"doi": None, "title": ARTICLE.title + ", part 2"}),
        ("other number", {"doi": None, "title": "Open source software in 2017", "pages": None}),
        ("other pages", {"doi": None, "pages": "101-110", "venue": "Gov Inf Q", "issue": None}),
    ],
)
def test_vetoes_keep_records_apart(label: str, changes: dict[str, object]) -> None:
    base = ARTICLE
    if label == "other number":
        base = dataclasses.replace(
            ARTICLE, doi=None, title="Open source software in 2018", pages=None
        )
    assert not same_cluster(base, copy(**changes)), label


def test_a_misspelt_number_in_one_page_range_is_one_article() -> None:
    # "p16INK4a" and "p6INK4a": the same authors, year, volume and whole page range.
    right = copy(doi=None, title="Loss of p16INK4a expression in cervical smears")
    wrong = dataclasses.replace(
        right, source="c", title="Loss of p6INK4a expression in cervical smears"
    )
    assert same_cluster(right, wrong)
    assert not same_cluster(right, dataclasses.replace(wrong, pages="44"))


def test_an_issue_number_typo_does_not_split_one_citation() -> None:
    assert same_cluster(ARTICLE, copy(doi=None, issue="11"))
    editorial = copy(doi=None, title="Editorial", pages="1", issue="1")
    assert not same_cluster(editorial, dataclasses.replace(editorial, source="c", issue="2"))


def test_a_volume_that_only_repeats_the_year_is_no_conflict() -> None:
    assert same_cluster(ARTICLE, copy(doi=None, volume="2019", issue=None))


def test_a_title_without_its_heading_matches_on_the_full_citation() -> None:
    short = copy(doi=None, title="Open source software in e-government")
    assert same_cluster(ARTICLE, short)
    elsewhere = dataclasses.replace(short, source="c", pages="101-110", issue=None)
    assert not same_cluster(ARTICLE, elsewhere)


def test_a_figure_doi_stands_for_its_article() -> None:
    assert doi_alias("10.1371/journal.pone.0094853.g001") == doi_alias(
        "10.1371/journal.pone.0094853"
    )
    assert doi_alias("10.7554/elife.06487.001") == doi_alias("10.7554/elife.06487")
    assert doi_alias("10.1371/journal.pone.0094853") != doi_alias("10.1371/journal.pone.0094854")


def test_a_supplement_numbered_as_a_volume_is_one_article() -> None:
    suppl = copy(doi=None, venue="Kidney Int Suppl", volume="75", issue=None, pages="S44-8")
    parent = copy(doi=None, venue="Kidney International Supplement", volume="57", issue="75")
    parent = dataclasses.replace(parent, pages="S44-S48")
    assert reason(suppl, parent).startswith("same title, authors, year and page range")
    # One page is not a range: abstracts on page S44 of two volumes are two abstracts.
    assert not same_cluster(
        dataclasses.replace(suppl, pages="S44"), dataclasses.replace(parent, pages="S44")
    )


def test_one_doi_under_another_journal_name_is_one_article() -> None:
    misnamed = copy(venue="Postgrad Med J")
    assert reason(ARTICLE, misnamed) == "same DOI"
    other_title = dataclasses.replace(misnamed, title="Gene delivery in Parkinson disease")
    assert not same_cluster(ARTICLE, other_title)
    # A meeting abstract given the later article's DOI: same title, authors and year, but a
    # page of its own in a supplement.
    abstract = copy(venue="Journal of Neurochemistry", volume="138", issue=None, pages="366")
    assert not same_cluster(ARTICLE, abstract)


def test_one_full_citation_under_two_dois_is_one_article() -> None:
    # Publishers re-register articles (old and new DOI schemes); the citation says it is one.
    other = copy(doi="10.1079/095442201108729141", authors=("Smith, J. A.", "Jones, K."))
    assert reason(ARTICLE, other) == "same title and full citation"


def test_part_one_and_part_two_are_two_articles() -> None:
    one = copy(doi=None, title=ARTICLE.title + " (Part I)")
    two = dataclasses.replace(one, source="c", title=ARTICLE.title + " (Part II)")
    assert not same_cluster(one, two)


def test_generic_titles_need_the_same_location() -> None:
    editorial = copy(doi=None, title="Editorial", authors=("Nguyen, T",), pages="1", issue="1")
    next_year = dataclasses.replace(editorial, source="c", year=2020, volume="37")
    next_issue = dataclasses.replace(editorial, source="c", issue="2")
    assert not same_cluster(editorial, next_year)
    assert not same_cluster(editorial, next_issue)


def test_supplement_doi_shared_by_different_abstracts_is_not_an_identifier() -> None:
    a = copy(doi="10.1093/suppl.123", title="Statins and colorectal cancer", pages="s64")
    b = dataclasses.replace(a, source="c", title="Gene delivery in Parkinson disease", pages="s69")
    assert not same_cluster(a, b)


def test_conference_abstract_and_later_journal_article_are_not_duplicates() -> None:
    abstract = copy(
        doi=None,
        year=2018,
        venue="Americas Conference on Information Systems",
        type="inproceedings",
        volume=None,
        issue=None,
        pages=None,
        authors=("Smith, John A.",),
    )
    assert not same_cluster(ARTICLE, abstract)


def test_preprint_is_linked_not_merged_unless_asked() -> None:
    preprint = copy(doi="10.1101/2019.01.01.123456", venue="bioRxiv", volume=None, pages=None)
    result = deduplicate([("a", ARTICLE), ("b", preprint)])
    assert result.root["a"] != result.root["b"]
    assert [(m.a, m.b) for m in result.matches.linked] == [("a", "b")]
    assert same_cluster(ARTICLE, preprint, Settings(merge_preprints=True))


def test_translated_title_is_a_duplicate_when_the_doi_agrees() -> None:
    indonesian = copy(
        title="Perangkat lunak sumber terbuka dalam e-government: tinjauan sistematis"
    )
    assert reason(ARTICLE, indonesian) == "same DOI"


def test_translated_title_is_a_duplicate_when_the_full_citation_agrees() -> None:
    indonesian = copy(doi=None, title="Perangkat lunak sumber terbuka: tinjauan sistematis")
    assert reason(ARTICLE, indonesian).startswith("same authors and full citation")


def test_one_doi_on_one_full_citation_is_one_article_whatever_the_title() -> None:
    # A title translated back into English by one database, and a "Part 1" only it kept;
    # an author list garbled into one name.
    reworded = copy(
        title="Free software in electronic government, part 1: a review",
        authors=("SMITH JA JONES K",),
    )
    assert reason(ARTICLE, reworded) == "same DOI and full citation (title in another language)"
    # Without the whole page range the DOI alone does not outweigh a different title.
    assert not same_cluster(ARTICLE, dataclasses.replace(reworded, pages="44"))
    # Nor without a title at all.
    assert not same_cluster(ARTICLE, dataclasses.replace(reworded, title=None))


def test_one_doi_with_a_reworded_title_by_the_same_authors_in_one_journal() -> None:
    reworded = copy(
        title="Open-source software use in e-government: a review",  # 0.86 alike
        volume=None,
        issue=None,
        pages=None,
    )
    assert reason(ARTICLE, reworded) == "same DOI"
    # Other authors: a supplement's DOI shared by two abstracts, not one article.
    assert not same_cluster(ARTICLE, dataclasses.replace(reworded, authors=("Lee, Ann",)))


def test_status_notes_of_web_of_science_mark_the_article_itself() -> None:
    retracted = copy(title=ARTICLE.title + " (Retracted article. See vol. 40, art. no. 101, 2023)")
    assert plain_title(retracted.title) == ARTICLE.title
    assert reason(ARTICLE, retracted) == "same DOI"
    # "(Withdrawn paper. ...)" is the withdrawn version: the same as "WITHDRAWN: title", not
    # the article.
    withdrawn = copy(title=ARTICLE.title + " (Withdrawn paper. 2019, art. no. CD000153)")
    notice = dataclasses.replace(ARTICLE, source="c", title="WITHDRAWN: " + ARTICLE.title)
    assert not same_cluster(ARTICLE, withdrawn)
    assert same_cluster(withdrawn, notice)


def test_translation_given_as_other_title_matches() -> None:
    indonesian = copy(
        doi=None,
        title="Perangkat lunak sumber terbuka: tinjauan sistematis",
        other_titles=(ARTICLE.title,),
        pages=None,
        issue=None,
    )
    assert same_cluster(ARTICLE, indonesian)


def test_glued_authors_and_missing_year_still_match() -> None:
    other = copy(doi=None, authors=split_authors("Smith John A.Jones Kate"), year=None)
    assert same_cluster(ARTICLE, other)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("erratum to cardiac effects of x", "erratum"),
        ("corrigendum", "erratum"),
        ("notice of retraction effects of x", "retraction"),
        ("reply to the letter by smith", "comment"),
        ("comment on effects of x", "comment"),
        ("withdrawn antiviral treatment for bell s palsy", "withdrawn"),
        ("effects of x on y", ""),
        ("response of tumours to radiation", ""),
        ("health care in response to humanitarian events", ""),
        ("response to the letter by smith", "comment"),
        ("response", "comment"),
    ],
)
def test_record_kind(title: str, kind: str) -> None:
    assert record_kind(title) == kind


def test_re_colon_answers_a_letter_but_re_evaluation_does_not() -> None:
    assert record_kind("re effects of x on y", "Re: Effects of X on Y") == "comment"
    assert record_kind("re evaluation of x", "Re-evaluation of X") == ""


def test_part_numbers_and_generic_titles() -> None:
    assert part_number("digital services part ii") == part_number("digital services pt 2") == "2"
    assert part_number("a part of the problem") == ""
    assert is_generic("editorial") and is_generic("") and not is_generic("effects of x on y")


REVIEW = Work(
    source="a",
    source_id="1",
    doi="10.1002/14651858.CD001186.pub2",
    title="Injection allergen immunotherapy for asthma",
    authors=("Abramson, M. J.", "Puy, R. M.", "Weiner, J. M."),
    year=2010,
    venue="Cochrane Database Syst Rev",
    issue="8",
    pages="CD001186",
)


def test_versions_of_a_cochrane_review_are_one_review() -> None:
    update = dataclasses.replace(
        REVIEW,
        source="b",
        doi="10.1002/14651858.CD001186.pub3",
        year=2019,
        authors=("Smith, A.", "Abramson, M. J."),
    )
    # An unchanged title: one review, whoever its authors are now.
    assert reason(REVIEW, update) == "same Cochrane review (another version)"
    # Retitled by the same first author: still the same review.
    retitled = dataclasses.replace(
        REVIEW,
        source="b",
        doi="10.1002/14651858.CD001186",
        year=2003,
        title="Allergen immunotherapy for asthma",
    )
    assert reason(REVIEW, retitled) == "same Cochrane review (another version)"
    # Retitled under a new first author: not enough to call it the same review.
    assert not same_cluster(REVIEW, dataclasses.replace(update, title=retitled.title))
    # Another CD number is another review, however alike the titles.
    other = dataclasses.replace(update, doi="10.1002/14651858.CD001187.pub2", pages="CD001187")
    assert not same_cluster(REVIEW, other)


def test_cochrane_versions_share_a_doi_alias() -> None:
    assert doi_alias("10.1002/14651858.cd001869.pub5") == doi_alias(
        "10.1002/14651858.cd001869.pub8"
    )
    assert doi_alias("10.2527/jas.2013-6195") == doi_alias("10.2527/jas2013-6195")


def test_title_notes_are_dropped() -> None:
    assert plain_title("Effects of X [erratum appears in J Y 2010;5:9] [Review] [88 refs]") == (
        "Effects of X"
    )
    # MEDLINE notes with brackets inside, cut off unclosed, and section labels.
    assert plain_title("Effects of X. [Erratum appears in J Y. Note: Smith, P [corrected]") == (
        "Effects of X"
    )
    assert plain_title("Effects of X - [careers]") == "Effects of X"
    assert plain_title("Effects of X. German") == "Effects of X"
    assert plain_title("PET with [11C]") == "PET with [11C]"
    # The citation a correction notice gives of its article.
    assert plain_title("Effects of X (vol 360, pg 542, 2009)") == "Effects of X"


# No deadline: one deduplication takes 200-300 ms on a loaded two-core machine, and a test must
# not depend on the machine's speed.
@hypothesis_settings(deadline=None)
@given(st.text())
def test_keys_never_fail(text: str) -> None:
    work = Work(source="s", source_id="1", title=text, authors=(text,), venue=text, pages=text)
    result = deduplicate([("a", work), ("b", dataclasses.replace(work, source_id="2"))])
    assert set(result.root) == {"a", "b"}


def test_every_rule_and_veto_is_documented() -> None:
    from harvester.dedup.rules import RULES, VETOES
    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "deduplication.md").read_text(encoding="utf-8")
    for entry in (*RULES, *VETOES):
        assert f"| {entry.name} |" in docs, entry.name


def test_a_block_too_large_to_say_anything_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import harvester.dedup.blocking as blocking

    # Four reviews with one generic title ending: the suffix block holds them all; capped at
    # three records, it is dropped, and the one true duplicate is still found through its DOI.
    base = [
        copy(
            source_id=str(i),
            doi=f"10.1/{i}",
            title=f"Topic {word}: a systematic review and meta-analysis of randomized trials",
            authors=(f"{word}, A",),
            volume=str(i),
            pages=f"{i}-{i + 5}",
        )
        for i, word in enumerate(("Alpha", "Beta", "Gamma", "Delta"))
    ]
    records = [(f"r{i}", work) for i, work in enumerate(base)]
    records.append(("dup", dataclasses.replace(base[0], source="c")))
    monkeypatch.setattr(blocking, "MAX_BLOCK", 3)
    result = deduplicate(records)
    assert result.root["dup"] == result.root["r0"]
    assert len(set(result.root.values())) == 4
    # Only pairs through the DOI and the other small blocks were scored.
    assert result.matches.candidates == 1


OVID = "http://ovidsp.ovid.com/ovidweb.cgi?T=JS&CSC=Y&NEWS=N&PAGE=fulltext&D={db}&AN={an}"


def test_an_embase_accession_number_is_read_off_an_ovid_link() -> None:
    from harvester.dedup.keys import embase_accession

    assert embase_accession(OVID.format(db="emed13", an="70929072")) == "70929072"
    # Links glued together by an export; the Embase Classic segment; Embase's own "L" ids.
    glued = OVID.format(db="emexa", an="70929072") + "http://ru.on.worldcat.org/atoztitles/link"
    assert embase_accession(glued) == "70929072"
    assert embase_accession(OVID.format(db="emez", an="L601234567")) == "L601234567"
    # Ovid MEDLINE or PsycINFO numbers are not Embase's; other links have none.
    assert embase_accession(OVID.format(db="medl", an="21234567")) is None
    assert embase_accession(OVID.format(db="psyc6", an="2011-01234-001")) is None
    assert embase_accession("https://doi.org/10.1016/j.appet.2012.05.003") is None


def test_one_embase_record_exported_twice_is_one_article_whatever_its_doi() -> None:
    # Embase corrected the record's DOI between two exports: the accession number stays.
    first = copy(url=OVID.format(db="emed13", an="70929072"))
    second = copy(
        doi="10.1016/j.regpep.2012.05.039",
        volume="37",
        pages="e24",
        url=OVID.format(db="emed13", an="70929"),
    )
    assert not same_cluster(first, second)  # two DOIs, two accession numbers: two records
    again = dataclasses.replace(second, url=OVID.format(db="emexb", an="70929072"))
    assert reason(first, again) == "same PubMed/PMC/arXiv/Embase id"
    notice = dataclasses.replace(again, title=f"Erratum: {ARTICLE.title}")
    assert not same_cluster(first, notice)  # a notice is still another item


def test_an_article_its_journal_printed_again_stays_a_second_record() -> None:
    # Same title, authors and abstract in a later volume under a second DOI: a journal's
    # reprint, or two articles (a series, a report updated yearly). Nothing in the two
    # records tells which, so they stay apart.
    abstract = "Project sponsorship is assumed to be critical to the success of projects. " * 3
    first = dataclasses.replace(ARTICLE, abstract=abstract)
    reprint = copy(
        abstract=abstract, doi="10.1016/j.giq.2020.09.001", year=2020, volume="37", pages="12-26"
    )
    assert not same_cluster(first, reprint)


def test_a_reprint_indexed_under_the_original_doi_is_that_article() -> None:
    # Another journal reprinted the article; a database gave the reprint the original's DOI.
    reprint = copy(venue="Postgraduate Medical Journal", volume="83", pages="705-719")
    assert reason(ARTICLE, reprint) == "same DOI"
    # A meeting abstract given the article's DOI sits on a page of its own: another item.
    meeting = copy(venue="Postgraduate Medical Journal", volume="83", pages="705")
    assert not same_cluster(ARTICLE, meeting)


@pytest.mark.parametrize(
    ("pages", "count"),
    [
        ("221-8", 7),
        ("S41-7", 6),
        ("44-58", 14),
        ("12", None),
        ("12-12", None),
        ("e12724", None),
        ("xiii-xv", None),
        (None, None),
    ],
)
def test_the_length_of_a_page_range_is_keyed_once_per_record(
    pages: str | None, count: int | None
) -> None:
    from harvester.dedup.keys import work_keys

    assert work_keys("a", copy(pages=pages))["page_count"] == count
