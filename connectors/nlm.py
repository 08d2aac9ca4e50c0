"""NLM vocabularies that PubMed and Europe PMC share: publication types, languages, months."""

from __future__ import annotations

from collections.abc import Iterable

from harvester.mapping import person
from harvester.normalize import normalize_author

# MEDLINE publication types (and the JATS article types PMC adds), most specific first:
# an article typed "Journal Article" and "Review" is a review.
_TYPES = (
    ("retraction of publication", "retraction"),
    ("retraction", "retraction"),
    ("published erratum", "erratum"),
    ("correction", "erratum"),
    ("preprint", "preprint"),
    ("systematic review", "review"),
    ("meta-analysis", "review"),
    ("review-article", "review"),
    ("review", "review"),
    ("letter", "letter"),
    ("comment", "letter"),
    ("editorial", "editorial"),
    ("congress", "proceedings-article"),
    ("dataset", "dataset"),
    ("journal article", "journal-article"),
    ("research-article", "journal-article"),
)

# MEDLINE's three-letter language codes as the two-letter codes Crossref and OpenAlex use.
_LANGUAGES = {
    "eng": "en", "ind": "id", "may": "ms", "fre": "fr", "ger": "de", "spa": "es", "por": "pt",
    "ita": "it", "dut": "nl", "rus": "ru", "chi": "zh", "jpn": "ja", "kor": "ko", "ara": "ar",
    "tur": "tr", "pol": "pl", "swe": "sv", "nor": "no", "dan": "da", "fin": "fi", "cze": "cs",
    "hun": "hu", "gre": "el", "heb": "he", "per": "fa", "tha": "th", "vie": "vi", "ukr": "uk",
}  # fmt: skip

_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_NAMES, 1)}


def work_type(types: Iterable[str]) -> str | None:
    """The Work.type of a record carrying these publication types (any case)."""
    present = {t.strip().lower() for t in types if t and t.strip()}
    for nlm, kind in _TYPES:
        if nlm in present:
            return kind
    return None


def is_retracted(types: Iterable[str]) -> bool:
    return any(t.strip().lower() == "retracted publication" for t in types if t)


def language(code: str | None) -> str | None:
    """Two-letter code for a MEDLINE language ("eng" -> "en"); other values kept as given."""
    if not code or not code.strip():
        return None
    code = code.strip().lower()
    return _LANGUAGES.get(code, code)


def iso_date(year: str | None, month: str | None = None, day: str | None = None) -> str | None:
    """ISO date as precise as the parts allow; months may be numbers or "Sep"."""
    if not year or not year.strip().isdigit():
        return None
    parts = [year.strip()]
    month = (month or "").strip().lower()
    number = int(month) if month.isdigit() else _MONTHS.get(month[:3], 0)
    if 1 <= number <= 12:
        parts.append(f"{number:02d}")
        if day and day.isdigit() and 1 <= int(day) <= 31:
            parts.append(f"{int(day):02d}")
    return "-".join(parts)


def medline_name(name: str | None) -> str | None:
    """ "Family AB" (initials last, as MEDLINE writes names) as "Family, AB"."""
    family, _, initials = (name or "").strip().rstrip(".").rpartition(" ")
    if family and "," not in family and initials.isalpha() and initials.isupper():
        return person(family, initials)
    return normalize_author(name)
