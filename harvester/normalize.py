"""Pure normalizers for identifiers, titles, names, years and pages.

Every function here is total (never raises on odd input), idempotent, and has no side effects:
mappers and the deduplicator call them on millions of values.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote

_DOI_IN_TEXT = re.compile(r"10\.\d{3,9}/\S+")
_DOI_URL_PREFIX = re.compile(
    r"^\s*(?:https?://)?(?:dx\.|www\.)?doi\.org/|^\s*doi:\s*|^\s*https?://[^/]+/doi/(?:abs/|full/|pdf/)?",
    re.IGNORECASE,
)
_TRAILING_JUNK = ".,;:'\"]}>"
_DOI_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_DOI_PERCENT_CHARS = {f"%{ord(c):02X}": c for c in "()<>[];:/.-_"}
# EndNote and PubMed tag what a DOI field holds: "S0000-1111(07)00123-4 [pii];10.1/x [doi]".
_TAGGED_DOI = re.compile(r"(10\.\d{3,9}/\S+?)\s*\[doi\]", re.IGNORECASE)
_ID_TAG = re.compile(r"\s*\[(?:doi|pii)\]", re.IGNORECASE)
_DOI_ENTITY = re.compile(r"&(?:lt|gt|amp);", re.IGNORECASE)
_DOI_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
# A bare DOI normalize_doi would only lower-case: no escape, prefix, tag, space or trailing
# punctuation.
_PLAIN_DOI = re.compile(r"10\.[0-9]{3,9}/[A-Za-z0-9._()/:;-]*[A-Za-z0-9]")

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
# Combining marks (what NFKD splits off accented letters), removed in one regex pass.
_COMBINING = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370)) + "\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe20-\ufe2f]"
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
_GLUED_INITIALS = re.compile(r"^(.*[a-z])((?:[A-Z]\.-?){1,4}|[A-Z]{1,3})$")
# Particles of family names ("van der Berg", "de Souza", "bin Ahmad").
NAME_PARTICLES = {
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
    "di",
    "la",
    "le",
    "vom",
    "zu",
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
    if type(text) is str and _PLAIN_DOI.fullmatch(text):
        return text.lower()  # most DOIs: nothing to decode, remove or trim
    text = _decode_doi_escapes(text)
    if _DOI_URL_PREFIX.match(text):
        # Only URLs are percent-encoded; decoding a bare DOI twice could change it.
        text = unquote(_DOI_URL_PREFIX.sub("", text))
    # The DOI tagged as one, before a publisher item identifier that looks like a DOI.
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


def _decode_doi_escapes(text: str) -> str:
    """Undo the escaping exports add to DOIs: "%28" for "(", "&lt;" for "<".

    Only characters that occur in DOIs and never start an escape themselves are decoded, and
    entities are decoded until nothing changes, so decoding a decoded DOI is a no-op.
    """
    if "%" in text:
        text = _DOI_PERCENT.sub(
            lambda m: _DOI_PERCENT_CHARS.get(m.group(0).upper(), m.group(0)), text
        )
    for _ in range(4):
        if "&" not in text:
            break
        decoded = _DOI_ENTITY.sub(lambda m: _DOI_ENTITIES[m.group(0).lower()], text)
        if decoded == text:
            break
        text = decoded
    return text


def strip_markup(text: str | None) -> str:
    """Plain text from titles and abstracts carrying HTML, JATS or MathML, entities decoded."""
    if not text:
        return ""
    if "<" not in text and "&" not in text:  # no markup: the common case
        if len(text) < _LONG_TEXT and text.isprintable() and "  " not in text:
            return text.strip()  # a name or a title: nothing to collapse (_collapse_spaces)
        return _collapse_spaces(text)
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
    return _collapse_spaces(out)


# ASCII characters str.split() splits on, the plain space aside.
_ASCII_BREAKS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_LONG_TEXT = 100  # characters from which looking for those beats `isprintable`


def _collapse_spaces(text: str) -> str:
    """`" ".join(text.replace("\\u00a0", " ").split())`, without splitting a text that has nothing
    to collapse (most titles, names and abstracts).

    Every whitespace character but the plain space is unprintable, so a text without a double
    space and without any such character needs only its ends stripped. For long ASCII text,
    looking for each of the nine other ASCII whitespace characters is cheaper than
    `isprintable` (an abstract: six times) and than splitting it (ten times).
    """
    if "  " not in text:
        if len(text) >= _LONG_TEXT and text.isascii():
            for char in _ASCII_BREAKS:  # nine scans in C, each cheaper than one isprintable
                if char in text:
                    break
            else:
                return text.strip()
        elif text.isprintable():
            return text.strip()
    return " ".join(text.replace("\u00a0", " ").split())


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form: NFKC, diacritics removed, case folded."""
    if not text:
        return ""
    if text.isascii():
        return text.casefold()  # most titles: nothing to decompose (and 20x faster)
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    bare = _COMBINING.sub("", decomposed)
    return bare.translate(_FOLD_EXTRA).casefold()


def clean_text(text: str | None) -> str | None:
    """Markup stripped and whitespace collapsed; None for empty values."""
    # strip_markup's first test, without the call: most values are short plain names.
    if (
        text
        and "<" not in text
        and "&" not in text
        and len(text) < _LONG_TEXT
        and text.isprintable()
        and "  " not in text
    ):
        return text.strip() or None
    return strip_markup(text) or None


def clean_abstract(text: str | None) -> str | None:
    """Abstract text without markup and without a leading "Abstract" heading (JATS)."""
    cleaned = strip_markup(text)
    if cleaned[:9].lower() == "abstract ":
        cleaned = cleaned[9:].lstrip(" :.-")
    return cleaned or None


def clean_title(text: str | None) -> str | None:
    cleaned = strip_markup(text).rstrip(" .")
    return cleaned or None


# Every byte but 0-9 and a-z as a space: what _NON_ALNUM replaces, for ASCII text.
_ALNUM_OR_SPACE = bytes(
    c if chr(c).isascii() and (chr(c).isdigit() or chr(c).islower()) else 32 for c in range(256)
)


def title_key(text: str | None) -> str:
    """Matching key of a title: folded, markup and punctuation removed, single spaces."""
    folded = fold(strip_markup(text))
    if folded.isascii():
        # The same words, split in C: bytes other than a-z and 0-9 become spaces (a regular
        # expression replacing each gap is three times slower on a title).
        return " ".join(folded.encode("ascii").translate(_ALNUM_OR_SPACE).decode("ascii").split())
    return _NON_ALNUM.sub(" ", folded).strip()


@lru_cache(maxsize=1 << 16)
def normalize_author(name: str | None) -> str | None:
    """One author name as "Family, Given" (or just "Family" for one-word and corporate names).

    Handles "Family, Given", "Given Family", "Family GA" (MEDLINE) and particles ("van der Berg").
    """
    if not name:
        return None
    # Semicolons separate authors in exports and angle brackets are markup debris: neither
    # belongs inside one name.
    text = strip_markup(name)  # whitespace comes back collapsed to single spaces
    if ";" in text or "<" in text or ">" in text:
        text = _SPACES.sub(" ", _NAME_JUNK.sub(" ", text))
    text = text.strip(" ,")
    if not text:
        return None
    if "," in text:
        family, _, given = text.partition(",")
        family, given = family.strip(), given.strip(" ,")
        return f"{family}, {given}" if given else family
    tokens = text.split(" ")
    if len(tokens) == 1:
        glued = _GLUED_INITIALS.match(text)  # "SmithJ.", "LiX.-Y.": initials glued on
        return f"{glued.group(1)}, {glued.group(2)}" if glued else text
    if _INITIALS.match(tokens[-1]) and not _INITIALS.match(tokens[0]):
        # "Van der Berg A. B.": every initial at the end is a given name.
        split = len(tokens) - 1
        while split > 1 and _INITIALS.match(tokens[split - 1]):
            split -= 1
        return f"{' '.join(tokens[:split])}, {' '.join(tokens[split:])}"
    split = len(tokens) - 1
    while split > 1 and tokens[split - 1].lower() in NAME_PARTICLES:
        split -= 1
    return f"{' '.join(tokens[split:])}, {' '.join(tokens[:split])}"


@lru_cache(maxsize=1 << 16)
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
    found = _FIRST_PAGE.search(pages)
    return found.group(0).lower() if found else None


_FIRST_PAGE = re.compile(r"[A-Za-z]?\d+")
_ISSN_JUNK = re.compile(r"[^0-9Xx]")
_ISSN = re.compile(r"[0-9]{4}-[0-9]{3}[0-9X]")  # already normalized: kept as it is


def normalize_issn(value: str | None) -> str | None:
    if not value:
        return None
    if _ISSN.fullmatch(value):
        return value
    digits = _ISSN_JUNK.sub("", value).upper()
    return f"{digits[:4]}-{digits[4:]}" if len(digits) == 8 else None


# Where one author ends and the next begins when an export glued them together:
# "Adeli K.Lewis G. F." (initials, then a capitalized name) and "Berger MarcinSzalewski Leszek"
# (a lower-case letter, then a capital, with no space). Such exports write the family name
# first. Prefixes such as "Mc" and "De" ("McDonald", "DeRosse") are not split.
_GLUE_AFTER_INITIAL = re.compile(
    # "Adeli K.Lewis", and initials without periods: "Basaria SWahlstrom JTDobs AS".
    r"(?<=[A-Z]\.)(?=[A-Z][a-z])|(?<= [A-Z])(?=[A-Z][a-z])|(?<= [A-Z]{2})(?=[A-Z][a-z])"
    r"|(?<= [A-Z]{3})(?=[A-Z][a-z])"
)
_GLUE_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_LAST_WORD = re.compile(r"[A-Z][a-z]*$")
_NAME_PREFIXES = {"mc", "mac", "de", "di", "da", "du", "le", "la", "van", "von", "del", "st", "o"}
_AND = re.compile(r"\s+and\s+|\s*&\s*", re.IGNORECASE)
_ETAL = re.compile(r"\bet\.? al\.?|\$|\s+and\s*$", re.IGNORECASE)
_INITIAL_TOKEN = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")


def _unglue(text: str) -> list[str]:
    after_initials = _GLUE_AFTER_INITIAL.sub("\x00", text)

    def cut(match: re.Match[str]) -> str:
        # The capitalized word just before the cut: "De" in "ToddDeRosse".
        found = _LAST_WORD.search(after_initials, 0, match.start())
        word = found.group(0) if found else ""
        return "" if word.lower() in _NAME_PREFIXES else "\x00"

    marked = _GLUE_CAMEL.sub(cut, after_initials)
    return [p.strip() for p in marked.split("\x00") if p.strip()]


@lru_cache(maxsize=1 << 16)
def _family_first(name: str) -> str | None:
    """ "Crow T. J.", "Van Kampen V" or "Lencz Todd" (family name first) as "Family, Given"."""
    tokens = name.split()
    if len(tokens) < 2:
        return normalize_author(name)
    # One word, with the particles before it ("Van Kampen V", "Al Mudhafar A. M.").
    split = 1
    while split < len(tokens) - 1 and tokens[split - 1].lower() in NAME_PARTICLES:
        split += 1
    return normalize_author(f"{' '.join(tokens[:split])}, {' '.join(tokens[split:])}")


def _vancouver_name(piece: str) -> bool:
    """ "Smith J" or "Van Kampen AB": a family name, then initials (not "Smith, John A",
    whose pieces are one name's family and given names)."""
    tokens = piece.split()
    return (
        len(tokens) > 1
        and bool(_INITIAL_TOKEN.match(tokens[-1]))
        and not _INITIAL_TOKEN.match(tokens[0])
    )


@lru_cache(maxsize=1 << 16)
def split_authors(text: str | None) -> tuple[str, ...]:
    """The authors of one field as "Family, Given" names, whatever separators the export used.

    Handles BibTeX "A and B", "A; B", Vancouver "Smith J, Jones K", "Family, Given, Family,
    Given", "Family Initials" and names glued together without separators.
    """
    cleaned = strip_markup(text)
    lowered = cleaned.lower()
    has_and = "and" in lowered
    if " al" in lowered or "$" in cleaned or has_and:  # what _ETAL needs; most lists lack it
        cleaned = " ".join(_ETAL.sub(" ", _ETAL.sub(" ", cleaned)).split())
    cleaned = cleaned.strip(" ,;")
    if not cleaned:
        return ()
    if ";" in cleaned or ((has_and or "&" in cleaned) and _AND.search(cleaned)):
        parts = [p.strip() for chunk in cleaned.split(";") for p in _AND.split(chunk)]
    elif "," in cleaned:
        pieces = [p.strip() for p in cleaned.split(",") if p.strip()]
        if (len(pieces) > 2 and all(" " in p for p in pieces)) or all(map(_vancouver_name, pieces)):
            parts = pieces  # "Smith J, Jones K": one name per piece
        else:
            # "Family, Given, Family, Given": pair them up again.
            parts = [", ".join(pieces[i : i + 2]) for i in range(0, len(pieces), 2)]
    else:
        glued = _unglue(cleaned)
        if len(glued) > 1:
            return tuple(n for n in map(_family_first, glued) if n)
        parts = [cleaned]
    names = []
    for part in parts:
        tokens = part.split()
        if "," not in part and len(tokens) > 1 and all(map(_INITIAL_TOKEN.match, tokens[1:])):
            name = _family_first(part)
        else:
            name = normalize_author(part)
        if name:
            names.append(name)
    return tuple(names)


_VENUE_STOPWORDS = {"of", "and", "the", "in", "for", "on", "de", "la", "le", "des", "du", "und"}
_VENUE_NOISE = re.compile(r"\[[^\]]*\]|\([^)]*\)")


@lru_cache(maxsize=1 << 16)
def venue_key(text: str | None) -> str:
    """Journal names and their abbreviations on one key: the first three letters of each word.

    "Journal of Clinical Endocrinology and Metabolism" and "J Clin Endocrinol Metab" both
    become "j cli end met", "Mutation Research" and "Mutat Res" "mut res" (stop words
    dropped, "journal", "journals" and "j" alike).
    """
    plain = fold(_VENUE_NOISE.sub(" ", strip_markup(text)))
    words = [w for w in _NON_ALNUM.sub(" ", plain).split() if w not in _VENUE_STOPWORDS]
    short = (w[:3] if w not in ("journal", "journals") else "j" for w in words)
    # A word cut short may read as a stop word ("there" -> "the"): drop it, so the key of a key
    # is the key itself.
    return " ".join(w for w in short if w not in _VENUE_STOPWORDS)


_MONTHS = {
    m: str(i)
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_EXCEL_MONTH_FIRST = re.compile(r"^\s*([A-Za-z]{3})-(\d{1,4})\s*$")
_EXCEL_DAY_FIRST = re.compile(r"^\s*(\d{1,2})-([A-Za-z]{3})\s*$")


# A page: digits, after one letter ("S12", "e1234") or a supplement's roman number ("ii51",
# "iii613": Oxford journals number each supplement's pages so).
_PAGE = re.compile(r"(?:[ivx]{2,4}|[A-Za-z])?\d+", re.IGNORECASE)
_PP = re.compile(r"^\s*pp?\.?\s*", re.IGNORECASE)
_ROMAN_PAGES = re.compile(r"^([ivxlc]{1,8})(?:\s*[-\u2013]+\s*([ivxlc]{1,8}))?\.?$", re.IGNORECASE)


def page_range(pages: str | None) -> tuple[str | None, str | None]:
    """(first, last) page, the last one written in full: "221-8", "221-228" and "221--228" agree.

    Spreadsheets turn "4-13" into "Apr-13" or "13-Apr"; those are read back. A run of more
    than seven digits is a mangled number, not a page.
    """
    if not pages:
        return None, None
    text = _PP.sub("", pages.strip())  # "pp 45-67", "pp xiii-xv"
    roman = _ROMAN_PAGES.match(text)
    if roman:
        # Front matter ("xiii-xv"). The leading 0 keeps the numeral whole where page keys
        # are compared without their letter prefix ("S197" and "197").
        first, last = roman.group(1).lower(), roman.group(2)
        return f"0{first}", f"0{last.lower()}" if last else None
    month_first = _EXCEL_MONTH_FIRST.match(text)
    if month_first and month_first.group(1).lower() in _MONTHS:
        text = f"{_MONTHS[month_first.group(1).lower()]}-{int(month_first.group(2))}"
    day_first = _EXCEL_DAY_FIRST.match(text)
    if day_first and day_first.group(2).lower() in _MONTHS:
        # "08-Sep": the day keeps the zero a date has; the page has none.
        text = f"{int(day_first.group(1))}-{_MONTHS[day_first.group(2).lower()]}"
    found = _PAGE.findall(text)
    if not found or len(found[0]) > 8:
        return None, None
    first = found[0].lower()
    if len(found) < 2 or len(found[1]) > 8:
        return first, None
    last = found[1].lower()
    if last.isdigit():
        # "221-8" -> "228"; "S41-7" and "S41-47" -> "s47", "ii51-2" -> "ii52" (the prefix
        # written once).
        digits = first.lstrip("abcdefghijklmnopqrstuvwxyz")
        prefix = first[: len(first) - len(digits)]
        if len(last) < len(digits):
            last = digits[: len(digits) - len(last)] + last
        last = prefix + last
    return first, last
