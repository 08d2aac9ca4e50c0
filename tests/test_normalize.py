"""Normalizers: examples from real exports, and properties that must hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.normalize import (
    clean_abstract,
    family_name,
    first_page,
    fold,
    normalize_author,
    normalize_doi,
    normalize_issn,
    parse_year,
    strip_markup,
    title_key,
)

DOI_BODY = st.from_regex(r"10\.[0-9]{4,6}/[A-Za-z0-9._;()/:-]{1,30}[A-Za-z0-9]", fullmatch=True)
PREFIXES = st.sampled_from(
    [
        "",
        "doi:",
        "DOI: ",
        "https://doi.org/",
        "http://dx.doi.org/",
        "HTTPS://DOI.ORG/",
        "https://www.doi.org/",
    ]
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1371/journal.pone.0033693", "10.1371/journal.pone.0033693"),
        ("https://doi.org/10.1145/3383583.3398584", "10.1145/3383583.3398584"),
        ("http://dx.doi.org/10.1002/ECE3.123.", "10.1002/ece3.123"),
        ("doi:10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
        ("(doi: 10.1000/xyz)", "10.1000/xyz"),
        ("https://doi.org/10.1000%2Fabc", "10.1000/abc"),
        ("https://onlinelibrary.wiley.com/doi/abs/10.1111/ele.14024", "10.1111/ele.14024"),
        ("not a doi", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi_examples(raw: str | None, expected: str | None) -> None:
    assert normalize_doi(raw) == expected


@given(DOI_BODY, PREFIXES)
def test_doi_is_prefix_and_case_insensitive(body: str, prefix: str) -> None:
    assert normalize_doi(prefix + body) == normalize_doi(body.upper()) == normalize_doi(body)


@given(st.text())
def test_doi_normalization_is_idempotent(text: str) -> None:
    once = normalize_doi(text)
    assert normalize_doi(once) == once


@given(st.text())
def test_title_key_is_idempotent_and_plain(text: str) -> None:
    key = title_key(text)
    assert title_key(key) == key
    assert all(ch.isalnum() or ch == " " for ch in key)
    assert "  " not in key


def test_title_key_ignores_case_markup_diacritics_and_punctuation() -> None:
    a = title_key("Pelayanan Terpadu Satu Pintu: <i>Évaluation</i> &amp; Reform!")
    b = title_key("PELAYANAN TERPADU SATU PINTU - EVALUATION & REFORM")
    assert a == b == "pelayanan terpadu satu pintu evaluation reform"


def test_markup_is_stripped_including_mathml_and_double_escaped_entities() -> None:
    text = "Growth of <mml:math><mml:mi>x</mml:mi></mml:math> cells&amp;nbsp;in <sub>2</sub>"
    assert strip_markup(text) == "Growth of cells in 2"


def test_jats_abstract_loses_its_heading() -> None:
    raw = "<jats:title>Abstract</jats:title><jats:p>Encouraged by decision makers</jats:p>"
    assert clean_abstract(raw) == "Encouraged by decision makers"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Boettiger, Carl", "Boettiger, Carl"),
        ("Chifumi Nishioka", "Nishioka, Chifumi"),
        ("Smith JA", "Smith, JA"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("  Manning,   Christopher D. ", "Manning, Christopher D."),
        ("WHO", "WHO"),
        ("", None),
    ],
)
def test_author_names(raw: str, expected: str | None) -> None:
    assert normalize_author(raw) == expected


@given(st.text())
def test_author_normalization_is_idempotent(text: str) -> None:
    once = normalize_author(text)
    assert normalize_author(once) == once


def test_family_name_key_is_folded() -> None:
    assert family_name("Färber, Michael") == "farber"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2020, 2020),
        ("2019-05-01", 2019),
        ("Published May 2008", 2008),
        ("n.d.", None),
        (True, None),
        (99, None),
        ("12345", None),
    ],
)
def test_parse_year(raw: object, expected: int | None) -> None:
    assert parse_year(raw) == expected


@given(st.one_of(st.integers(), st.text()))
def test_year_is_plausible_or_none(value: object) -> None:
    year = parse_year(value)
    assert year is None or 1500 <= year <= 2099


def test_first_page_and_issn() -> None:
    assert first_page("1655-1664") == "1655"
    assert first_page("e33693") == "e33693"
    assert first_page("pp. 12–19") == "12"
    assert normalize_issn("1461023x") == "1461-023X"
    assert normalize_issn("123") is None


def test_fold_handles_letters_without_decomposition() -> None:
    assert fold("Øresund Łódź Straße") == "oresund lodz strasse"


@given(st.text(alphabet=st.sampled_from("<>&;amp tl/b,x")))
def test_markup_stripping_is_idempotent(text: str) -> None:
    once = strip_markup(text)
    assert strip_markup(once) == once
