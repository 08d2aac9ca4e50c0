"""Field shapes real exports carry, unpacked before keying: where a record says it was
published, read the same way whichever database and reference manager wrote it.

Ovid's Embase packs a whole citation into the journal field ("Journal Title.12 (3) ()(pp
45-67) 2010.Date of Publication: 01 Mar 2010.", "Journal. Conference: 22nd Congress ...");
databases put supplements in the volume ("12 Suppl 3") or the issue ("SUPPL. 3"), pages in the
issue ("pp S10-S11"), the year in the pages; spreadsheets turn issue "1-2" into "01-Feb" and
damage fields into "#NAME?". Pure functions of one record: see docs/deduplication.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harvester.normalize import parse_year
from harvester.work import Work


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a record says the article is, each part in its own field."""

    journal: str | None  # the journal's name alone
    conference: str | None  # the meeting an abstract was given at, when the record names one
    volume: str | None
    issue: str | None  # the issue number ("3"), never a supplement or a month
    supplement: str | None  # "3" for "Suppl 3", "" for an unnumbered one, None if none
    pages: str | None
    year: int | None


# What a spreadsheet writes instead of a value it could not compute.
_SPREADSHEET_ERRORS = frozenset(("#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!"))


def spreadsheet_damage(value: str | None) -> bool:
    """True for a cell a spreadsheet replaced by an error ("#NAME?": the title began with
    "=" or "-")."""
    return bool(value) and value.strip().upper() in _SPREADSHEET_ERRORS  # type: ignore[union-attr]


def _clean(value: str | None) -> str | None:
    if not value or spreadsheet_damage(value):
        return None
    return value.strip() or None


# --- Ovid's packed source -------------------------------------------------------------------

_DATE_OF_PUBLICATION = re.compile(r"\.?\s*Date of Publication:\s*(.*)$", re.IGNORECASE)
_CONFERENCE = re.compile(r"\.\s*Conference:\s*", re.IGNORECASE)
# The citation after the name: "12 (3) ()(pp 45-67) 2010", "12 Suppl 2 ()(pp v-xii; S1-105)
# 1989", "12 (Supplement 3) (no pagination), 2018", "45(3):123-30, 2010 Mar".
_TAIL = re.compile(
    r"(?P<volume>\d{1,5}[A-Za-z]?)"
    r"(?P<supplement>\s+Suppl(?:ement)?\.?\s*\d*)?"
    r"\s*(?:\((?P<issue>[^()]*)\))?"
    r"(?:\s*\(\s*\))*"
    r"\s*(?:\((?P<pages>[^()]*)\)|:\s*(?P<colon_pages>[^,()]+))?"
    r",?\s*(?P<year>(?:1[5-9]|20)\d\d)?(?:\s+[A-Za-z]{3,9}(?:\s+\d{1,2})?)?\s*\.?\s*$"
)
_PP_GROUP = re.compile(r"\(pp\.?\s*([^()]+)\)", re.IGNORECASE)
# Where the name ends and the citation begins: a period, then the volume.
_TAIL_START = re.compile(r"\.\s*(?=\d)")


@dataclass(frozen=True, slots=True)
class PackedSource:
    """An Ovid source field taken apart; empty parts are None."""

    journal: str
    conference: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None


def _tail(text: str) -> tuple[str, re.Match[str] | None]:
    """The text before the citation tail, and the tail's match (None without one)."""
    for start in _TAIL_START.finditer(text):
        found = _TAIL.fullmatch(text, start.end())
        # A volume alone could be part of a name ("Acta Physiol. 2"): the tail must say more.
        if found and any(
            found.group(g) for g in ("issue", "supplement", "pages", "colon_pages", "year")
        ):
            return text[: start.start()], found
    return text, None


def unpack_source(venue: str | None) -> PackedSource | None:
    """The journal, meeting, volume, issue, pages and year an Ovid source packs into one
    field; None for a venue that is only a name."""
    if not venue or "." not in venue:
        return None
    text = venue.strip()
    dated = _DATE_OF_PUBLICATION.search(text)
    date_year = parse_year(dated.group(1)) if dated else None
    if dated:
        text = text[: dated.start()]
    conference = _CONFERENCE.search(text)
    meeting: str | None = None
    if conference:
        name, rest = text[: conference.start()], text[conference.end() :]
        meeting, tail = _tail(rest)
    else:
        name, tail = _tail(text)
    if not (dated or conference or tail):
        return None
    if tail is None:
        pages: str | None = None
        if dated and not conference:
            # A tail in no shape we know: the name still ends where the numbers begin, and
            # "(pp ...)" still holds the pages.
            name = _TAIL_START.split(name, maxsplit=1)[0]
            found = _PP_GROUP.search(text)
            pages = found.group(1) if found else None
        return PackedSource(name.strip(" ."), _strip(meeting), pages=_strip(pages), year=date_year)
    issue = tail.group("issue")
    supplement = tail.group("supplement")
    if supplement:
        issue = f"{issue} {supplement}" if issue else supplement.strip()
    pages = tail.group("pages") or tail.group("colon_pages")
    return PackedSource(
        journal=name.strip(" ."),
        conference=_strip(meeting),
        volume=tail.group("volume"),
        issue=_strip(issue),
        pages=_strip(pages),
        year=parse_year(tail.group("year")) or date_year,
    )


def _strip(value: str | None) -> str | None:
    return (value or "").strip(" .,;") or None


# --- volume, issue, supplement, pages --------------------------------------------------------

_SUPPLEMENT = re.compile(r"\b(?:suppl(?:ement)?|supp|sup)\b\.?\s*(\d*)", re.IGNORECASE)
_SUPPLEMENT_JOURNAL = re.compile(r"\bsuppl(?:ement|ements|ementum)?\b\.?", re.IGNORECASE)
# "S1" alone in an issue field is supplement 1.
_S_ISSUE = re.compile(r"^\s*S(\d{1,3})\s*$", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*\(?\s*(\d{1,5})\b")
_ANY_NUMBER = re.compile(r"(\d{1,5})")
_INNER_ISSUE = re.compile(r"\(\s*(\d{1,4})\b")
# An article number in the issue field ("A5316", "e12345"): the article's locator, not its issue.
_ARTICLE_NUMBER = re.compile(r"^\s*([A-Za-z]\d{4,})\s*$")
_PAGES_IN_ISSUE = re.compile(r"\bpp?\.?\s*([A-Za-z]{0,4}\d+\s*(?:[-\u2013]+\s*[A-Za-z]{0,4}\d+)?)")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})-[A-Za-z]{3}\s*$")
_NO_PAGES = re.compile(
    r"^\s*\(?\s*(?:var\.?\s*pagings?|variable pagings?|no pagination|n/?a|unknown|-+)\s*\)?\.?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Numbering:
    number: str | None  # the volume or issue number
    issue: str | None = None  # an issue the volume field carried ("81 (10 Supplement 1)")
    supplement: str | None = None
    pages: str | None = None  # pages the issue field carried ("pp S10-S11")


def _numbering(value: str | None, *, volume: bool) -> _Numbering:
    """A volume or issue field: its number, and a supplement, issue or pages it carries."""
    text = _clean(value)
    if text is None:
        return _Numbering(None)
    pages_found = _PAGES_IN_ISSUE.search(text) or (None if volume else _ARTICLE_NUMBER.match(text))
    pages = pages_found.group(1) if pages_found else None
    if pages_found:
        text = text[: pages_found.start()] + text[pages_found.end() :]
    supplement: str | None = None
    found = _SUPPLEMENT.search(text) or (None if volume else _S_ISSUE.match(text))
    if found and volume and not text[: found.start()].strip(" ("):
        # "Supplement. 115": the volume of a supplement series, not supplement 115.
        supplement, text = "", found.group(1)
    elif found:
        supplement, text = found.group(1), text[: found.start()]
    day_month = _DAY_MONTH.match(text)  # "01-Feb": a spreadsheet's date for issue "1-2"
    if day_month:
        return _Numbering(str(int(day_month.group(1))), None, supplement, pages)
    # A volume's number may follow a word ("Vol. 12"); an issue's leads ("Pt 2", "Mar" are
    # no issue numbers).
    number = (_ANY_NUMBER.search(text) if volume else _LEADING_NUMBER.match(text)) or None
    # "12 (3)" and "81 (10 Supplement 1)": an issue number inside the volume field.
    inner = _INNER_ISSUE.search(text, number.end()) if volume and number else None
    return _Numbering(
        _digits(number.group(1)) if number else None,
        _digits(inner.group(1)) if inner else None,
        supplement,
        pages,
    )


def _digits(value: str) -> str:
    return value.lstrip("0") or "0"


def _is_fragment(value: str | None) -> bool:
    """A fragment of a field an export split ("1)" from "40 (12 Suppl 1)")."""
    return bool(value) and value.count(")") > value.count("(")  # type: ignore[union-attr]


def citation(work: Work) -> Citation:
    """Where `work` says it was published, its packed and misplaced parts unpacked."""
    packed = unpack_source(work.venue)
    volume_field = _clean(work.volume) or (packed.volume if packed else None)
    issue_field = _clean(work.issue) or (packed.issue if packed else None)
    pages = _clean(work.pages) or (packed.pages if packed else None)
    year = work.year or (packed.year if packed else None)
    volume = _numbering(None if _is_fragment(volume_field) else volume_field, volume=True)
    issue = _numbering(None if _is_fragment(issue_field) else issue_field, volume=False)
    if not pages:
        pages = issue.pages or volume.pages
    if pages and (_NO_PAGES.match(pages) or (year and pages.strip() == str(year))):
        pages = None  # "var.pagings", or the year written into the pages field
    supplement = issue.supplement if issue.supplement is not None else volume.supplement
    journal = packed.journal if packed else _clean(work.venue)
    if supplement is None and journal and _SUPPLEMENT_JOURNAL.search(journal):
        supplement = ""  # "Atherosclerosis Supplements", "Kidney Int Suppl"
    number = volume.number
    if number and year and number == str(year):
        number = None  # a volume that is the year says nothing more than the year
    return Citation(
        journal=journal,
        conference=packed.conference if packed else None,
        volume=number,
        issue=issue.number or volume.issue,
        supplement=supplement,
        pages=pages,
        year=year,
    )


# --- titles ----------------------------------------------------------------------------------

_LANGUAGES = (
    "english|german|french|japanese|polish|chinese|spanish|russian|italian|portuguese|dutch|"
    "korean|turkish|hungarian|czech|danish|swedish|norwegian|finnish|hebrew|greek|croatian|"
    "serbian|slovak|slovenian|romanian|bulgarian|ukrainian|persian|arabic|lithuanian|"
    "indonesian|malay|thai|vietnamese"
)
# "English title. Russian" or "English title. [Russian]" at the end of a first line.
_LANGUAGE_LINE_END = re.compile(rf"[.\s]\s*\[?(?:{_LANGUAGES})\]?\.?\s*$", re.IGNORECASE)


def title_lines(title: str | None) -> tuple[str | None, tuple[str, ...]]:
    """A title written on several lines, as (title, other titles).

    "English title. [Russian]" then the original title on the next line: the English title,
    and the original as another title. Lines without that language note (a series name, then
    the title) stay one title, and the lines after the first are offered as another title.
    """
    if not title or "\n" not in title:
        return title, ()
    lines = [line.strip() for line in title.splitlines() if line.strip()]
    if len(lines) < 2:
        return (lines[0] if lines else None), ()
    if _LANGUAGE_LINE_END.search(lines[0]):
        return lines[0], (" ".join(lines[1:]),)
    return " ".join(lines), (" ".join(lines[1:]),)
