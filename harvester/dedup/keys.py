"""Stage 1: the matching keys of one record, computed once and stored (table `dedup_keys`).

Every key is a pure function of the record alone, never of the other records in the set: so
adding records later never changes an earlier record's keys, and incremental deduplication
finds exactly the pairs a run over the whole set would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyarrow as pa

from harvester.normalize import (
    fold,
    normalize_doi,
    page_range,
    split_authors,
    strip_markup,
    title_key,
    venue_key,
)
from harvester.work import Work

KEY_SCHEMA = pa.schema(
    [
        ("work_id", pa.string()),
        ("doi", pa.string()),
        ("doi_alias", pa.string()),
        ("pmid", pa.string()),
        ("pmcid", pa.string()),
        ("arxiv", pa.string()),
        ("title", pa.string()),
        ("title_alt", pa.string()),
        ("title_numbers", pa.string()),
        ("authors", pa.string()),
        ("authors_given", pa.string()),
        ("first_author", pa.string()),
        ("year", pa.int32()),
        ("venue", pa.string()),
        ("venue_acronym", pa.string()),
        ("venue_word", pa.string()),
        ("venue_short", pa.string()),
        ("volume", pa.string()),
        ("issue", pa.string()),
        ("page_first", pa.string()),
        ("page_last", pa.string()),
        ("kind", pa.string()),
        ("part", pa.string()),
        ("generic", pa.bool_()),
        ("category", pa.string()),
        ("abstract", pa.string()),
    ]
)
KEY_COLUMNS = [f.name for f in KEY_SCHEMA]

# Versions of one Cochrane review carry DOIs ending .pub2, .pub3...: one review, one key.
_COCHRANE = re.compile(r"^10\.1002/14651858\.(cd\d{6})")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")
_PMCID = re.compile(r"(?i)pmc\d+")

# Records that are about another article rather than the article itself. A notice and the
# article it concerns share most of their title, so they must never merge on it.
_KINDS = (
    (
        "erratum",
        re.compile(
            r"^(?:erratum|errata|corrigendum|corrigenda|correction|corrections|correcting)\b"
            r"|\b(?:erratum|corrigendum|correction) (?:to|for|of|in|on)\b"
            r"|\b(?:erratum|corrigendum)$"
        ),
    ),
    (
        "retraction",
        re.compile(
            r"^(?:notice of retraction|retraction|retraction notice|retraction note|"
            r"expression of concern|withdrawal)\b|\bretraction (?:of|to|for|notice)\b"
        ),
    ),
    (
        "comment",
        re.compile(
            r"^(?:re|reply|response|comment|comments|commentary|in reply|authors? reply|"
            r"letter to the editor)\b|\b(?:reply|response|comment|comments|commentary) "
            r"(?:to|on|regarding)\b|\bauthors? reply\b"
        ),
    ),
    ("withdrawn", re.compile(r"^withdrawn\b")),
)
# Every pattern above needs one of these words.
_KIND_WORDS = frozenset(
    [
        "erratum",
        "errata",
        "corrigendum",
        "corrigenda",
        "correction",
        "corrections",
        "correcting",
        "notice",
        "retraction",
        "expression",
        "withdrawal",
        "withdrawn",
        "re",
        "reply",
        "response",
        "comment",
        "comments",
        "commentary",
        "letter",
        "authors",
        "author",
    ]
)
_PART = re.compile(r"\b(?:part|pt|teil|partie)\s+([0-9]+|[ivx]+|one|two|three|four|a|b|c)\b")
_PART_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "i": "1", "ii": "2"}
_PART_WORDS |= {"iii": "3", "iv": "4", "v": "5", "vi": "6", "a": "1", "b": "2", "c": "3"}

# Titles that name a kind of item, not an article: two of them say nothing about each other.
GENERIC_TITLES = frozenset(
    (
        "editorial",
        "guest editorial",
        "editor s note",
        "editors note",
        "introduction",
        "preface",
        "foreword",
        "reply",
        "response",
        "letter",
        "letters",
        "comment",
        "commentary",
        "invited commentary",
        "editorial comment",
        "erratum",
        "errata",
        "correction",
        "corrigendum",
        "book review",
        "book reviews",
        "in this issue",
        "news",
        "obituary",
        "abstracts",
        "index",
        "contents",
        "table of contents",
        "editorial board",
        "announcement",
        "announcements",
        "acknowledgment",
        "acknowledgments",
        "acknowledgement",
        "acknowledgements",
        "reviewers",
        "conference report",
        "highlights",
        "summary",
        "untitled",
        "discussion",
        "conclusion",
        "conclusions",
        "overview",
        "retraction notice",
        "abstract",
        "introduction to the special issue",
        "authors reply",
        "author s reply",
        "reply to letter",
        "response to letter",
        "in reply",
    )
)

# Servers of preprints, by DOI prefix and by name: a preprint and its journal version are
# linked, not merged, unless the caller asks otherwise.
PREPRINT_DOI_PREFIXES = (
    "10.1101/",  # bioRxiv, medRxiv
    "10.48550/",  # arXiv
    "10.2139/",  # SSRN
    "10.21203/",  # Research Square
    "10.20944/",  # Preprints.org
    "10.31219/",  # OSF Preprints
    "10.31234/",  # PsyArXiv
    "10.31235/",  # SocArXiv
    "10.26434/",  # ChemRxiv
    "10.36227/",  # TechRxiv
    "10.22541/",  # Authorea
)
_PREPRINT_VENUE = re.compile(
    r"\b(?:arxiv|biorxiv|medrxiv|ssrn|research square|preprints?|chemrxiv|techrxiv|"
    r"psyarxiv|socarxiv|authorea|osf preprints)\b"
)
_CONFERENCE_VENUE = re.compile(
    r"\b(?:conference|congress|meeting|symposium|workshop|abstracts?|annual scientific|"
    r"proceedings|colloquium|convention)\b"
)
_JOURNAL_PROCEEDINGS = re.compile(r"national academy|royal society|mayo clin|proc natl")
_CONFERENCE_TYPES = {"inproceedings", "conference", "proceedings-article", "cpaper", "abst"}
_JOURNAL_TYPES = {"article", "journal-article", "jour", "review", "letter", "editorial"}
_BOOK_TYPES = {"book", "inbook", "incollection", "book-chapter", "chap", "monograph"}
_THESIS_TYPES = {"phdthesis", "mastersthesis", "thesis", "dissertation", "thes"}


def record_kind(title: str) -> str:
    """ "erratum", "retraction", "comment", "withdrawn" or "" for a folded title key."""
    if _KIND_WORDS.isdisjoint(title.split()):
        return ""  # most titles: none of the words any pattern needs
    for kind, pattern in _KINDS:
        if pattern.search(title):
            return kind
    return ""


def part_number(title: str) -> str:
    """The part of a multi-part article ("Part 2", "Part II", "Pt. two" all give "2")."""
    found = _PART.search(title)
    if not found:
        return ""
    value = found.group(1)
    return _PART_WORDS.get(value, value)


def is_generic(title: str) -> bool:
    """A title such as "Editorial" or "Reply" that names a kind of item, not its subject."""
    return not title or title in GENERIC_TITLES or len(title.split()) <= 1


_CD_NUMBER = re.compile(r"\bCD\d{6}\b", re.IGNORECASE)


def _cochrane_number(work: Work) -> str | None:
    """A Cochrane review cited without its DOI still carries its CD number (pages field)."""
    if "cochrane" not in (work.venue or "").lower():
        return None
    for field in (work.pages, work.volume, work.issue, work.url):
        found = _CD_NUMBER.search(field or "")
        if found:
            return f"cochrane {found.group(0).lower()}"
    return None


def doi_alias(doi: str | None) -> str | None:
    """Spelling-free DOI: Cochrane versions share one, and so do "jas.2013-6195"/"jas2013-6195"."""
    if not doi:
        return None
    cochrane = _COCHRANE.match(doi)
    if cochrane:
        return f"cochrane {cochrane.group(1)}"
    return _NOT_ALNUM.sub("", doi)


def category(work: Work, venue: str) -> str:
    """What kind of publication: preprint, conference, journal, book, thesis or ""."""
    kind = (work.type or "").lower()
    doi = work.doi or ""
    if kind in ("preprint", "posted-content") or doi.startswith(PREPRINT_DOI_PREFIXES):
        return "preprint"
    if venue and _PREPRINT_VENUE.search(venue):
        return "preprint"
    if kind in _CONFERENCE_TYPES:
        return "conference"
    if kind in _BOOK_TYPES:
        return "book"
    if kind in _THESIS_TYPES:
        return "thesis"
    issue = fold(work.issue)
    if (venue and _CONFERENCE_VENUE.search(venue) and not _JOURNAL_PROCEEDINGS.search(venue)) or (
        "meeting" in issue or "abstract" in issue
    ):
        return "conference"
    return "journal" if kind in _JOURNAL_TYPES or venue else ""


# Notes databases append to titles in brackets: "[Review] [88 refs]", "[Japanese]",
# "[erratum appears in ...]". They are not part of the title and must not decide its kind.
_TITLE_NOTE = re.compile(
    r"\s*[\[(](?:review|\d+ refs?|notes?|structured abstract|multiple letters|abstract|"
    r"letter|editorial|comment[^\])]*|see comments?[^\])]*|erratum appears[^\])]*|"
    r"published erratum[^\])]*|retraction (?:in|of)[^\])]*|"
    r"(?:english|german|french|japanese|polish|chinese|spanish|russian|italian|portuguese|"
    r"dutch|korean|turkish|hungarian|czech|danish|swedish|norwegian|finnish|hebrew|greek|"
    r"croatian|serbian|slovak|romanian|bulgarian|ukrainian|persian|arabic|lithuanian|"
    r"indonesian|malay|thai|vietnamese)(?: abstract)?)[\])]\.?",
    re.IGNORECASE,
)
_CORRECTION_CITATION = re.compile(r"\(vol\.? \d+[, ]+(?:pg|p)\.? ?\d+", re.IGNORECASE)


def plain_title(title: str | None) -> str:
    """The title without markup and without the notes databases append to it."""
    return _TITLE_NOTE.sub("", strip_markup(title)).strip()


def _alternative_title(work: Work, main: str) -> str:
    """A second title to compare: a translation given apart, or one in [brackets]."""
    for other in work.other_titles:
        key = title_key(other)
        if key and key != main:
            return key
    if "[" not in (work.title or ""):
        return ""
    raw = plain_title(work.title)
    inside = re.findall(r"\[([^\[\]]{12,})\]", raw)
    if inside:
        bracketed = title_key(inside[-1])
        outside = title_key(re.sub(r"\[[^\[\]]*\]", " ", raw))
        # "Title [Translation]": the other half; "[Translated title]": the bracketed text.
        return outside if outside and bracketed == main else bracketed
    return ""


def work_keys(work_id: str, work: Work) -> dict[str, Any]:
    """All matching keys of one record."""
    plain = plain_title(work.title)
    title = title_key(plain)
    venue_folded = fold(strip_markup(work.venue))
    venue = venue_key(work.venue)
    doi = normalize_doi(work.doi)
    issue = _issue(work.issue)
    pages = work.pages
    if not pages and work.issue and _E_LOCATOR.match(work.issue.strip()):
        pages = work.issue  # an export that shifted the article number into the issue field
    first, last = page_range(pages)
    # Names not yet in "Family, Given" form ("Smith J. A.", glued lists) are split first.
    names = [n for a in work.authors[:8] for n in ((a,) if "," in a else split_authors(a))]
    surnames = [_name_key(a.partition(",")[0]) for a in names[:8]]
    # Given names as well: some exports swap family and given names without saying so.
    given = [_given_name(a) for a in names[:8]]
    pmcid = _PMCID.search(work.ids.get("pmcid", "") or "")
    # "10,000" and "10 000" are one number; "alpha<sub>1</sub>" and "alpha1" the same one.
    numbers = sorted(set(_DIGITS.findall(_THOUSANDS.sub("", plain))))
    return {
        "work_id": work_id,
        "doi": doi,
        "doi_alias": doi_alias(doi) or _cochrane_number(work),
        "pmid": (work.ids.get("pmid") or "").strip() or None,
        "pmcid": pmcid.group(0).upper() if pmcid else None,
        "arxiv": (work.ids.get("arxiv") or "").strip().lower() or None,
        "title": title or None,
        "title_alt": _alternative_title(work, title) or None,
        "title_numbers": " ".join(numbers),
        "authors": " ".join(s for s in surnames if s) or None,
        "authors_given": " ".join(g for g in given if g) if all(given) and given else None,
        "first_author": surnames[0] if surnames and surnames[0] else None,
        "year": work.year,
        "venue": venue or None,
        # "British Medical Journal" -> "bmj", to meet the record that says "BMJ".
        "venue_acronym": "".join(w[0] for w in venue.split()) if len(venue.split()) > 1 else None,
        # A one-word name may itself be an acronym ("Cmaj", "BMJ"), kept whole.
        "venue_word": _NOT_ALNUM.sub("", venue_folded) if len(venue.split()) == 1 else None,
        # Two letters a word, for abbreviations shorter than three ("Am J Respir").
        "venue_short": " ".join(w[:2] for w in venue.split()) or None,
        "volume": _number(work.volume),
        "issue": issue,
        "page_first": first,
        "page_last": last,
        "kind": "erratum" if _CORRECTION_CITATION.search(work.title or "") else record_kind(title),
        "part": part_number(title),
        "generic": is_generic(title),
        "category": category(work, venue_folded),
        "abstract": _NOT_ALNUM.sub(
            " ", fold(strip_markup((work.abstract or "")[:700]))[:600]
        ).strip()
        or None,
    }


_THOUSANDS = re.compile(r"(?<=\d)[,. ](?=\d{3}\b)")
_E_LOCATOR = re.compile(r"^[eE]\d{4,}$")
_ISSUE = re.compile(r"^\s*(\d{1,4})\b")


def _issue(value: str | None) -> str | None:
    """The issue number, if the field holds one ("3", "3-4", "Suppl 2" give 3, 3, None)."""
    found = _ISSUE.match(value or "")
    return found.group(1).lstrip("0") or "0" if found else None


@lru_cache(maxsize=1 << 16)
def _name_key(name: str) -> str:
    """title_key for names, with a fast path for the plain ASCII most names are."""
    if name.isascii() and "<" not in name and "&" not in name:
        return " ".join(_NOT_ALNUM.sub(" ", name.lower()).split())
    return title_key(name)


@lru_cache(maxsize=1 << 16)
def _given_name(author: str) -> str:
    """First given name of a "Family, Given" author when it is a whole word, not initials."""
    given = author.partition(",")[2].strip().split(" ")[0]
    key = _name_key(given)
    return key if len(key) > 2 and not _INITIALS.match(given) else ""


_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def _number(value: str | None) -> str | None:
    """Leading number of a volume or issue; None for a fragment of a field an export split
    ("1)" from "40 (12 Suppl 1)")."""
    if value and value.count(")") > value.count("("):
        return None
    found = _DIGITS.search(value or "")
    return found.group(0).lstrip("0") or "0" if found else None


def keys_table(records: Iterable[tuple[str, Work]]) -> pa.Table:
    """The `dedup_keys` rows of (work_id, work) pairs, as one Arrow table."""
    columns: dict[str, list[Any]] = {name: [] for name in KEY_COLUMNS}
    for work_id, work in records:
        for name, value in work_keys(work_id, work).items():
            columns[name].append(value)
    return pa.table(columns, schema=KEY_SCHEMA)
