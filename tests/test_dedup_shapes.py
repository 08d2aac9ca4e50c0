"""Field shapes of real exports, unpacked before keying: one made-up record per shape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.dedup.keys import work_keys
from harvester.dedup.shapes import PackedSource, citation, title_lines, unpack_source
from harvester.normalize import normalize_doi, page_range, split_authors, venue_key
from harvester.work import Work


def work(**fields: object) -> Work:
    return Work(source="s", source_id="1", **fields)  # type: ignore[arg-type]


def keys(**fields: object) -> dict[str, object]:
    return work_keys("w", work(**fields))


@pytest.mark.parametrize(
    ("venue", "expected"),
    [
        (
            "Journal Title.12 (3) ()(pp 45-67) 2010.Date of Publication: 01 Mar 2010.",
            PackedSource("Journal Title", None, "12", "3", "pp 45-67", 2010),
        ),
        (
            "Clinical neuropharmacology.12 Suppl 2 ()(pp v-xii; S1-105) 1989.Date of "
            "Publication: 1989.",
            PackedSource(
                "Clinical neuropharmacology", None, "12", "Suppl 2", "pp v-xii; S1-105", 1989
            ),
        ),
        (
            "BMC Proceedings. Conference: 2nd Example Conference. Spain. 12 (Supplement 3) "
            "(no pagination), 2018. Date of Publication: 2018.",
            PackedSource(
                "BMC Proceedings",
                "2nd Example Conference. Spain",
                "12",
                "Supplement 3",
                "no pagination",
                2018,
            ),
        ),
        (
            "Pediatric Nephrology.Conference: 44th Annual Meeting of the Society. Croatia.",
            PackedSource("Pediatric Nephrology", "44th Annual Meeting of the Society. Croatia"),
        ),
        (
            "Journal of X. 45(3):123-30, 2010 Mar.",
            PackedSource("Journal of X", None, "45", "3", "123-30", 2010),
        ),
        ("Curr Opin Lipidol", None),
        ("Proc. Natl. Acad. Sci. U.S.A.", None),
        ("Acta Physiol. 2", None),  # a volume alone may be part of a name
    ],
)
def test_ovid_packs_a_citation_into_the_journal_field(
    venue: str, expected: PackedSource | None
) -> None:
    assert unpack_source(venue) == expected


def test_an_ovid_packed_record_is_keyed_like_its_fields_written_apart() -> None:
    packed = keys(
        year=2010,
        venue="J.Exp.Biol.Med.12 (3) ()(pp 45-67) 2010.Date of Publication: 01 Mar 2010.",
    )
    apart = keys(
        year=2010,
        venue="Journal of Experimental Biology and Medicine",
        volume="12",
        issue="3",
        pages="45-67",
    )
    for name in ("venue", "volume", "issue", "page_first", "page_last", "year"):
        assert packed[name] == apart[name], name
    # The year comes from the packed field when the record has none.
    assert (
        keys(venue="Journal Title.12 (3) ()(pp 45-67) 2010.Date of Publication: 2010.")["year"]
        == 2010
    )


def test_a_cochrane_number_packed_into_the_source_field_is_read() -> None:
    packed = keys(
        venue="Cochrane database of systematic reviews (Online).9 () ()(pp CD009194) 2012."
    )
    assert packed["doi_alias"] == keys(doi="10.1002/14651858.CD009194.pub2")["doi_alias"]


def test_a_meeting_abstract_names_its_meeting_and_is_a_conference_record() -> None:
    found = keys(venue="Neurology. Conference: 68th Annual Meeting of the AAN. Canada.")
    assert found["venue"] == venue_key("Neurology")
    assert found["category"] == "conference"
    assert found["meeting"] == "68th annual meeting of the aan canada"
    assert found["meeting_numbers"] == "68"


def test_a_meeting_abstract_by_its_publication_type() -> None:
    # An Ovid or Web of Science reader that keeps the journal alone still gives the type.
    for kind in ("Conference Abstract", "Meeting Abstract"):
        found = keys(type=kind.lower(), venue="BMC Proceedings")
        assert found["category"] == "conference"
        assert found["meeting"] == ""  # a meeting abstract, its meeting unnamed
    assert keys(type="inproceedings", venue="ICIS")["meeting"] is None  # a paper, not an abstract


def test_a_journal_abbreviated_without_spaces_meets_its_full_name() -> None:
    assert venue_key("J.Exp.Biol.Med.") == venue_key("Journal of Experimental Biology and Medicine")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("S0000-1111(07)00123-4 [pii];10.1000/abc.2007.04.008 [doi]", "10.1000/abc.2007.04.008"),
        ("10.1000/S0000-1111(07)00123-4 [pii];10.1000/abc [doi]", "10.1000/abc"),  # tagged wins
        ("10.1000/abc[doi]", "10.1000/abc"),
        ("http://dx.doi.org/10.1000/S0000-1111%2809%2912345-6", "10.1000/s0000-1111(09)12345-6"),
        ("10.1371/journal%2EPONE.0012345", "10.1371/journal.pone.0012345"),
        ("S0000-1111(07)00123-4", None),  # a PII alone is no DOI
        ("S0140673607612345 [pii]", None),
    ],
)
def test_doi_fields_with_more_than_a_doi(raw: str, expected: str | None) -> None:
    assert normalize_doi(raw) == expected


@given(st.text())
def test_normalize_doi_is_idempotent(text: str) -> None:
    once = normalize_doi(text)
    assert once is None or normalize_doi(once) == once


@pytest.mark.parametrize(
    ("fields", "volume", "issue", "supplement", "first", "last"),
    [
        ({"pages": "2010", "year": 2010}, None, None, None, None, None),  # the year, not a page
        ({"pages": "ii51-ii52"}, None, None, None, "ii51", "ii52"),
        ({"pages": "ii51-2"}, None, None, None, "ii51", "ii52"),
        ({"pages": "H120-9"}, None, None, None, "h120", "h129"),
        ({"pages": "08-Sep"}, None, None, None, "8", "9"),  # a spreadsheet's date for 8-9
        ({"pages": "var.pagings"}, None, None, None, None, None),
        ({"issue": "01-Feb", "volume": "11"}, "11", "1", None, None, None),  # issue 1-2
        ({"issue": "pp S10-S11", "volume": "70"}, "70", None, "", "s10", "s11"),
        ({"volume": "12 Suppl 3"}, "12", None, "3", None, None),
        ({"volume": "12", "issue": "SUPPL. 3"}, "12", None, "3", None, None),
        ({"volume": "38 (Supplement 1)"}, "38", None, "1", None, None),
        ({"volume": "81 (10 Supplement 1)"}, "81", "10", "1", None, None),
        ({"volume": "130", "issue": "5 Suppl 2"}, "130", "5", "2", None, None),
        ({"volume": "Supplement. 115"}, "115", None, "", None, None),  # a supplement series
        ({"volume": "64 (1) (no pagination)", "issue": "A5316"}, "64", "1", None, "a5316", None),
        ({"venue": "Atherosclerosis Supplements", "volume": "10"}, "10", None, "", None, None),
    ],
)
def test_volume_issue_and_page_shapes(
    fields: dict[str, object],
    volume: str | None,
    issue: str | None,
    supplement: str | None,
    first: str | None,
    last: str | None,
) -> None:
    found = keys(**fields)
    assert (found["volume"], found["issue"], found["supplement"]) == (volume, issue, supplement)
    assert (found["page_first"], found["page_last"]) == (first, last)


def test_an_article_number_with_leading_zeros_meets_the_one_without() -> None:
    assert keys(pages="e000123")["page_first_bare"] == keys(pages="e123")["page_first_bare"]
    assert keys(pages="e000123")["article_number"] is True


def test_overlapping_ranges_are_keyed_by_their_first_page() -> None:
    assert keys(pages="282-290")["page_from"] == 282
    assert keys(pages="282")["page_from"] is None  # one page is no range


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SmithJ.DoeA.B.KarlssonP.", ("Smith, J.", "Doe, A.B.", "Karlsson, P.")),
        ("Smith J; Doe A B; Karlsson P", ("Smith, J", "Doe, A B", "Karlsson, P")),
        ("LiX.-Y.", ("Li, X.-Y.",)),
        ("Ferreira A, Costa R", ("Ferreira, A", "Costa, R")),
        ("Van der Berg A. B.", ("Van der Berg, A. B.",)),
        ("Berg A. B. V.", ("Berg, A. B. V.",)),
    ],
)
def test_author_lists_without_separators_and_initials_glued_on(
    raw: str, expected: tuple[str, ...]
) -> None:
    assert split_authors(raw) == expected


def test_glued_and_separated_author_lists_give_one_key() -> None:
    glued = keys(authors=split_authors("SmithJ.DoeA.B.KarlssonP."))
    separated = keys(authors=split_authors("Smith J; Doe A B; Karlsson P"))
    assert glued["authors"] == separated["authors"]
    assert glued["first_author"] == "smith" and len(str(glued["authors"]).split()) == 3


def test_particles_and_transliterations_make_one_family_name() -> None:
    full = keys(authors=("Van der Berg, A. B.", "De Caterina, R."))
    moved = keys(authors=("Berg, A. B. V.", "Caterina, R. D."))
    glued = keys(authors=("Vanderberg, A. B.", "DECATERINA, R"))
    assert full["authors"] == glued["authors"] == "vanderberg decaterina"
    assert full["authors_bare"] == moved["authors"] == "berg caterina"
    assert (
        keys(authors=("Petrovskii, A.",))["authors"] == keys(authors=("Petrovsky, A.",))["authors"]
    )
    assert keys(authors=("Mueller, K.",))["authors"] == keys(authors=("Müller, K.",))["authors"]


@pytest.mark.parametrize(
    ("title", "same_as"),
    [
        (
            "[Effect of drug X on blood pressure in rats]",
            "Effect of drug X on blood pressure in rats",
        ),
        (
            "Effect of drug X on blood pressure in rats. [Chinese]",
            "Effect of drug X on blood pressure in rats",
        ),
        (
            "Effect of drug X on blood pressure in rats. French",
            "Effect of drug X on blood pressure in rats",
        ),
        ('""Watchful waiting"" in prostate cancer', '"Watchful waiting" in prostate cancer'),
        (
            "Effect of drug X on blood pressure in rats (Japanese text)",
            "Effect of drug X on blood pressure in rats",
        ),
    ],
)
def test_title_shapes_give_the_title_key(title: str, same_as: str) -> None:
    assert keys(title=title)["title"] == keys(title=same_as)["title"]


def test_spreadsheet_damage_is_no_title() -> None:
    assert keys(title="#NAME?")["title"] is None
    assert keys(title=" #name? ")["title"] is None


def test_an_original_language_title_after_a_newline_is_another_title() -> None:
    title, others = title_lines("Cerebral protection in stenting. [German]\nZerebrale Protektion")
    assert (title, others) == (
        "Cerebral protection in stenting. [German]",
        ("Zerebrale Protektion",),
    )
    # A series name before the title: one title, and the title alone offered as another.
    series, rest = title_lines("FRONTIERS IN NEUROSCIENCE\nNEUROPROTEOMICS")
    assert (series, rest) == ("FRONTIERS IN NEUROSCIENCE NEUROPROTEOMICS", ("NEUROPROTEOMICS",))
    assert title_lines("One line") == ("One line", ())


@given(st.text(), st.text(), st.text(), st.text())
def test_citation_never_fails(venue: str, volume: str, issue: str, pages: str) -> None:
    found = citation(work(venue=venue, volume=volume, issue=issue, pages=pages))
    assert found.volume is None or found.volume.isdigit()
    assert found.issue is None or found.issue.isdigit()
    first, last = page_range(found.pages)
    assert last is None or first is not None
