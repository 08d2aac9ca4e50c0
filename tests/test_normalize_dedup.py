"""Normalizers added for deduplication: the messes real exports contain, and properties that
hold for any input (total, idempotent)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.normalize import (
    normalize_author,
    normalize_doi,
    page_range,
    split_authors,
    venue_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Adeli K.Lewis G. F.", ("Adeli, K.", "Lewis, G. F.")),
        ("Berger MarcinSzalewski Leszek", ("Berger, Marcin", "Szalewski, Leszek")),
        ("Basaria SWahlstrom JTDobs AS", ("Basaria, S", "Wahlstrom, JT", "Dobs, AS")),
        ("Lencz ToddDeRosse Pamela", ("Lencz, Todd", "DeRosse, Pamela")),
        ("McDonald K. L.Hirst T. C.", ("McDonald, K. L.", "Hirst, T. C.")),
        ("Van Kampen VMerget R", ("Van Kampen, V", "Merget, R")),
        ("Deng, Chaoqun and Ravichandran, T.", ("Deng, Chaoqun", "Ravichandran, T.")),
        ("Smith J, Jones K, Brown AB", ("Smith, J", "Jones, K", "Brown, AB")),
        ("Boettiger, Carl, Smith, John", ("Boettiger, Carl", "Smith, John")),
        ("John Smith; Jane Doe", ("Smith, John", "Doe, Jane")),
        ("Aguirre, M. and Ariceta, G. and $", ("Aguirre, M.", "Ariceta, G.")),
        ("Crow T. J.", ("Crow, T. J.",)),
        ("", ()),
    ],
)
def test_author_lists_as_exports_write_them(raw: str, expected: tuple[str, ...]) -> None:
    assert split_authors(raw) == expected


@given(st.text())
def test_split_authors_is_total_and_gives_normalized_names(text: str) -> None:
    for name in split_authors(text):
        assert name and normalize_author(name) == name


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("221-8", ("221", "228")),
        ("221-228", ("221", "228")),
        ("221--228", ("221", "228")),
        ("221–28", ("221", "228")),
        ("Apr-13", ("4", "13")),  # a spreadsheet's date for "4-13"
        ("08-Sep", ("8", "9")),  # and for "8-9", the day with a date's zero
        ("e87686", ("e87686", None)),
        ("S417-S429", ("s417", "s429")),
        ("S41-7", ("s41", "s47")),  # the supplement's letter written once
        ("xiii-xv", ("0xiii", "0xv")),  # front matter, kept apart from page 13
        ("iv", ("0iv", None)),
        ("2050310000000000", (None, None)),
        (None, (None, None)),
    ],
)
def test_page_ranges_written_three_ways_agree(
    pages: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert page_range(pages) == expected


@given(st.text())
def test_page_range_never_fails(text: str) -> None:
    first, last = page_range(text)
    assert first is None or first.isalnum()
    assert last is None or first is not None


def test_journal_names_and_abbreviations_share_a_key() -> None:
    assert venue_key("Journal of Clinical Endocrinology and Metabolism") == venue_key(
        "J Clin Endocrinol Metab"
    )
    assert venue_key("Current Opinion in Lipidology") == venue_key("Curr Opin Lipidol")
    assert venue_key("Mutation Research") == venue_key("Mutat Res")
    assert venue_key("PLoS ONE [Electronic Resource]") == venue_key("PLoS One")


@given(st.text())
def test_venue_key_is_idempotent(text: str) -> None:
    key = venue_key(text)
    assert venue_key(key) == key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "10.1002/1097-0282%282000%2955:1%3c4::aid-bip30%3e3.0.co;2-m",
            "10.1002/1097-0282(2000)55:1<4::aid-bip30>3.0.co;2-m",
        ),
        (
            "10.1002/(sici)1096-8628(19970221)74:1&lt;73::aid-ajmg16&gt;3.0.co;2-o",
            "10.1002/(sici)1096-8628(19970221)74:1<73::aid-ajmg16>3.0.co;2-o",
        ),
        ("10.23736/s0391-1977.16.02514-1%29", "10.23736/s0391-1977.16.02514-1"),
    ],
)
def test_escaped_dois_are_decoded(raw: str, expected: str) -> None:
    assert normalize_doi(raw) == expected
