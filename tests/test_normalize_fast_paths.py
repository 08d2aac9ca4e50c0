"""The fast paths of the normalizers give exactly what the plain implementations gave.

The reference implementations below are the normalizers as they were before their fast paths
(kept here only, as the definition of the expected output); each property compares the two on
random and deliberately awkward text: markup, entities, every kind of whitespace, unicode.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from harvester.mapping import date_parts_iso
from harvester.normalize import (
    _ASCII_BREAKS,
    _DOI_IN_TEXT,
    _DOI_URL_PREFIX,
    _ID_TAG,
    _MATHML_OR_SCRIPT,
    _NON_ALNUM,
    _TAG,
    _TAGGED_DOI,
    _TRAILING_JUNK,
    _decode_doi_escapes,
    clean_abstract,
    clean_text,
    clean_title,
    first_page,
    fold,
    normalize_doi,
    normalize_issn,
    strip_markup,
    title_key,
)


def old_strip_markup(text: str | None) -> str:
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        if text.isprintable() and "  " not in text:
            return text.strip()
        return " ".join(text.replace("\u00a0", " ").split())
    out = text
    for _ in range(8):
        before = out
        if "&" in out:
            out = html.unescape(out)
        if "<" in out:
            out = _MATHML_OR_SCRIPT.sub(" ", out)
            out = _TAG.sub(" ", out)
        if out == before:
            break
    out = out.replace("\u00a0", " ")
    return " ".join(out.split())


def old_title_key(text: str | None) -> str:
    folded = fold(old_strip_markup(text))
    return _NON_ALNUM.sub(" ", folded).strip()


def old_normalize_doi(value: str | None) -> str | None:
    if not value:
        return None
    text = _decode_doi_escapes(value.strip())
    if _DOI_URL_PREFIX.match(text):
        text = unquote(_DOI_URL_PREFIX.sub("", text))
    found = _TAGGED_DOI.search(text) if "[" in text else None
    if not found and "[" in text:
        text = _ID_TAG.sub(" ", text)
    found = found or _DOI_IN_TEXT.search(text)
    if not found:
        return None
    doi = (found.group(1) if found.re is _TAGGED_DOI else found.group(0)).lower()
    while doi and (
        doi[-1] in _TRAILING_JUNK or (doi[-1] == ")" and doi.count(")") > doi.count("("))
    ):
        doi = doi[:-1]
    return doi if "/" in doi and not doi.endswith("/") else None


def old_first_page(pages: str | None) -> str | None:
    if not pages:
        return None
    found = re.search(r"[A-Za-z]?\d+", pages)
    return found.group(0).lower() if found else None


def old_normalize_issn(value: str | None) -> str | None:
    if not value:
        return None
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    return f"{digits[:4]}-{digits[4:]}" if len(digits) == 8 else None


def old_date_parts_iso(parts: Sequence[Any] | None) -> str | None:
    if not parts or parts[0] is None:
        return None
    try:
        numbers = [int(p) for p in parts if p is not None][:3]
    except (TypeError, ValueError):
        return None
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])


# Every character str.split() splits on, and a few that look like spaces but are not.
SPACES = [c for c in map(chr, range(0x3001)) if c.isspace()] + ["\u200b", "\ufeff", "\xad"]
PIECES = st.sampled_from(
    [
        *SPACES,
        "  ",
        " ",
        "<",
        ">",
        "&",
        ";",
        "<i>",
        "</i>",
        "<jats:p>",
        "</jats:p>",
        "<jats:title>Abstract</jats:title>",
        "<mml:math><mml:mi>x</mml:mi></mml:math>",
        "<MATH>y</math >",
        "<script>a()</script>",
        "<ſcript>z</script>",
        "&amp;",
        "&amp;lt;b&amp;gt;",
        "&lt;i&gt;",
        "&nbsp;",
        "&#160;",
        "&#x3C;",
        "&eacute;",
        "&unknown;",
        "Abstract ",
        "ABSTRACT: ",
        "abstract",
        "é",
        "e\u0301",
        "Ø",
        "ß",
        "İ",
        "ﬁ",
        "２",
        "Ⅻ",
        "漢字",
        "😀",
        ". ",
        "...",
        "-",
        "–",
        "S12",
        "e1234",
        "0",
        "9",
        "X",
        "x",
        "2041-210X",
    ]
)
# Long texts (abstracts) of plain words, now and then a piece above: the path for long text.
WORDS = st.sampled_from(["We", "studied", "soil", "carbon.", "(7)", "x", "Abstract", "ü"])
ASCII_SPACES = st.sampled_from([c for c in SPACES if c.isascii()])
LONG = st.one_of(
    st.lists(st.one_of(WORDS, WORDS, WORDS, WORDS, PIECES), min_size=15, max_size=80).map(" ".join),
    # ASCII words, two of them parted by another whitespace character instead of a space.
    st.tuples(
        st.lists(WORDS.filter(str.isascii), min_size=25, max_size=60),
        ASCII_SPACES,
        st.integers(0, 24),
    ).map(lambda t: " ".join(t[0][: t[2]]) + t[1] + " ".join(t[0][t[2] :])),
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=127)),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12).map("".join),
    LONG,
    LONG.map(lambda text: f"<jats:p>{text}</jats:p>"),
)
OPTIONAL = st.one_of(st.none(), TEXTS)
AWKWARD = [
    "",
    " ",
    "  a  ",
    "a\tb",
    "a\x1cb",
    "a\x85b",
    "a\xa0b",
    "a\u3000b",
    "\u2028",
    "<p> a </p>",
    "<jats:p>We  studied</jats:p>",
    "&amp;nbsp;x",
    "x&#9;y",
]


def test_every_whitespace_character_but_the_space_is_unprintable() -> None:
    """What the fast path of strip_markup relies on."""
    printable_spaces = [c for c in map(chr, range(0x110000)) if c.isspace() and c.isprintable()]
    assert printable_spaces == [" "]


def test_the_ascii_breaks_are_the_ascii_whitespace_but_the_space() -> None:
    assert sorted(_ASCII_BREAKS) == [c for c in map(chr, range(128)) if c.isspace() and c != " "]


@settings(max_examples=1500)
@given(OPTIONAL)
def test_strip_markup_and_its_cleaners_unchanged(text: str | None) -> None:
    expected = old_strip_markup(text)
    assert strip_markup(text) == expected
    assert clean_text(text) == (expected or None)
    assert clean_title(text) == (expected.rstrip(" .") or None)
    abstract = expected[9:].lstrip(" :.-") if expected[:9].lower() == "abstract " else expected
    assert clean_abstract(text) == (abstract or None)


def test_strip_markup_unchanged_on_awkward_text() -> None:
    for text in AWKWARD:
        assert strip_markup(text) == old_strip_markup(text), text


@settings(max_examples=1500)
@given(OPTIONAL)
@example("  Ünïcode  Title: part 2 ")
@example("ﬁnal ²")
def test_title_key_unchanged(text: str | None) -> None:
    assert title_key(text) == old_title_key(text)


@settings(max_examples=1000)
@given(OPTIONAL)
def test_first_page_unchanged(text: str | None) -> None:
    assert first_page(text) == old_first_page(text)


ISSNS = st.one_of(
    OPTIONAL,
    st.from_regex(r"[0-9０-９]{4}-?[0-9]{3}[0-9Xx]", fullmatch=True),
    st.from_regex(r"\s*[0-9]{4}[ -]?[0-9]{3}[0-9Xx]\s*\n?", fullmatch=True),
)


@settings(max_examples=1500)
@given(ISSNS)
@example("2041-210X")
@example("2041-210x")
@example("2041210X")
@example("1234-5678\n")
@example("١٢٣٤-٥٦٧٨")
def test_normalize_issn_unchanged(value: str | None) -> None:
    assert normalize_issn(value) == old_normalize_issn(value)


DATE_PART = st.one_of(
    st.none(),
    st.integers(-20000, 20000),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.from_regex(r"\s*-?[0-9]{1,5}\s*", fullmatch=True),
    st.text(max_size=3),
)


@settings(max_examples=1500)
@given(st.one_of(st.none(), st.lists(DATE_PART, max_size=6), st.text(max_size=6)))
@example([2020])
@example([2020, 9])
@example([2020, 9, 3])
@example([2020, None, 3])
@example([None, 5])
@example(["2019", "07", "1", "9"])
def test_date_parts_iso_unchanged(parts: Any) -> None:
    assert date_parts_iso(parts) == old_date_parts_iso(parts)


DOIS = st.one_of(
    OPTIONAL,
    st.from_regex(
        r"\s*(doi:|https://doi\.org/)?10\.[0-9]{2,10}/[A-Za-z0-9._;()/:<>%&\[\] -]{0,12}\s*"
    ),
    st.from_regex(r"10\.[0-9]{3,9}/[A-Za-z0-9._()/:;-]{0,12}", fullmatch=True),
    st.from_regex(r"10\.[0-9٠-٩]{3,10}/[\w.()/:;\[\]-]{0,12}[.),;\]]?", fullmatch=True),
)


@settings(max_examples=2000)
@given(DOIS)
@example("10.5555/bench.7")
@example("10.1111/2041-210X.13440")
@example("10.1002/(SICI)1097-4636(199603)31:3<323::AID-JBM6>3.0.CO;2-N")
@example("10.1234/abc)")
@example("10.1234/a(b)")
@example("10.1234/abc.")
@example("10.1234/ABC [doi]")
@example("10.1234567890/x")
@example(" 10.1234/x\n")
@example("10.1234/\u212a")
def test_normalize_doi_unchanged(value: str | None) -> None:
    assert normalize_doi(value) == old_normalize_doi(value)
