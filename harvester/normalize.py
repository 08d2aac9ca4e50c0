"""Pure normalizers for identifiers, titles, names, years and pages.

Every function here is total (never raises on odd input), idempotent, and has no side effects:
mappers and the deduplicator call them on millions of values.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

_DOI_IN_TEXT = re.compile(r"10\.\d{3,9}/\S+")
_DOI_URL_PREFIX = re.compile(
    r"^\s*(?:https?://)?(?:dx\.|www\.)?doi\.org/|^\s*doi:\s*|^\s*https?://[^/]+/doi/(?:abs/|full/|pdf/)?",
    re.IGNORECASE,
)
_TRAILING_JUNK = ".,;:'\"]}>"

# Letters that Unicode decomposition leaves alone but readers treat as their base letter.
_FOLD_EXTRA = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "þ": "th",
        "ð": "d",
    }
)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_MATHML_OR_SCRIPT = re.compile(
    r"<(mml:math|math|script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NAME_JUNK = re.compile(r"[;<>]")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "da",
    "das",
    "dos",
    "du",
    "la",
    "le",
    "ter",
    "ten",
    "bin",
    "binti",
    "al",
    "el",
    "st",
    "st.",
}


def normalize_doi(value: str | None) -> str | None:
    """Lower-case DOI without URL prefix or trailing punctuation, or None if there is none.

    Accepts "https://doi.org/10.1/ABC", "doi:10.1/abc", "DOI 10.1/abc." and the like.
    """
    if not value:
        return None
    text = value.strip()
    if _DOI_URL_PREFIX.match(text):
        # Only URLs are percent-encoded; decoding a bare DOI twice could change it.
        text = unquote(_DOI_URL_PREFIX.sub("", text))
    found = _DOI_IN_TEXT.search(text)
    if not found:
        return None
    doi = found.group(0).lower()
    while doi and (
        doi[-1] in _TRAILING_JUNK or (doi[-1] == ")" and doi.count(")") > doi.count("("))
    ):
        doi = doi[:-1]
    return doi if "/" in doi and not doi.endswith("/") else None


def strip_markup(text: str | None) -> str:
    """Plain text from titles and abstracts carrying HTML, JATS or MathML, entities decoded."""
    if not text:
        return ""
    out = text
    # Entities are sometimes escaped twice ("&amp;nbsp;") and decoding can reveal tags: repeat
    # until nothing changes, so that stripping stripped text is a no-op.
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
    return _SPACES.sub(" ", out).strip()


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form: NFKC, diacritics removed, case folded."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_FOLD_EXTRA).casefold()


def clean_text(text: str | None) -> str | None:
    """Markup stripped and whitespace collapsed; None for empty values."""
    cleaned = strip_markup(text)
    return cleaned or None


def clean_abstract(text: str | None) -> str | None:
    """Abstract text without markup and without a leading "Abstract" heading (JATS)."""
    cleaned = strip_markup(text)
    if cleaned[:9].lower() == "abstract ":
        cleaned = cleaned[9:].lstrip(" :.-")
    return cleaned or None


def clean_title(text: str | None) -> str | None:
    cleaned = strip_markup(text).rstrip(" .")
    return cleaned or None


def title_key(text: str | None) -> str:
    """Matching key of a title: folded, markup and punctuation removed, single spaces."""
    folded = fold(strip_markup(text))
    return _NON_ALNUM.sub(" ", folded).strip()


def normalize_author(name: str | None) -> str | None:
    """One author name as "Family, Given" (or just "Family" for one-word and corporate names).

    Handles "Family, Given", "Given Family", "Family GA" (MEDLINE) and particles ("van der Berg").
    """
    if not name:
        return None
    # Semicolons separate authors in exports and angle brackets are markup debris: neither
    # belongs inside one name.
    text = _SPACES.sub(" ", _NAME_JUNK.sub(" ", strip_markup(name))).strip(" ,")
    if not text:
        return None
    if "," in text:
        family, _, given = text.partition(",")
        family, given = family.strip(), given.strip(" ,")
        return f"{family}, {given}" if given else family
    tokens = text.split(" ")
    if len(tokens) == 1:
        return tokens[0]
    if _INITIALS.match(tokens[-1]) and not _INITIALS.match(tokens[0]):
        return f"{' '.join(tokens[:-1])}, {tokens[-1]}"
    split = len(tokens) - 1
    while split > 1 and tokens[split - 1].lower() in _PARTICLES:
        split -= 1
    return f"{' '.join(tokens[split:])}, {' '.join(tokens[:split])}"


def family_name(author: str | None) -> str:
    """Folded family name of an author already in "Family, Given" form."""
    if not author:
        return ""
    return title_key(author.partition(",")[0])


def parse_year(value: object) -> int | None:
    """A plausible publication year (1500-2099) from an int or any date-like text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2099 else None
    found = _YEAR.search(str(value))
    return int(found.group(1)) if found else None


def first_page(pages: str | None) -> str | None:
    """First page of a range written "123-130", "123–30", "e123" or "pp. 123"."""
    if not pages:
        return None
    found = re.search(r"[A-Za-z]?\d+", pages)
    return found.group(0).lower() if found else None


def normalize_issn(value: str | None) -> str | None:
    if not value:
        return None
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    return f"{digits[:4]}-{digits[4:]}" if len(digits) == 8 else None
