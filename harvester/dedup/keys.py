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

from harvester.dedup.kinds import (
    category,
    is_generic,
    is_meeting_abstract,
    part_number,
    record_kind,
)
from harvester.dedup.shapes import citation, spreadsheet_damage
from harvester.normalize import (
    NAME_PARTICLES,
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
        # The family names without their particles, where any has one ("van der berg" -> "berg").
        ("authors_bare", pa.string()),
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
        # Pages without their letter prefix ("S197" and "197" are often one page), whether
        # the first page is an article number ("e12724"), and how many pages after the first
        # a range of several pages runs to: compared for every pair, so computed once per
        # record.
        ("page_first_bare", pa.string()),
        ("page_last_bare", pa.string()),
        ("article_number", pa.bool_()),
        ("page_count", pa.int32()),
        ("embase", pa.string()),
        # The supplement a record is in ("3" for "Suppl 3", "" unnumbered), and the meeting an
        # abstract was given at (its words, "" when unnamed, and its numbers: "22nd Congress
        # ... 2014").
        # The first page of a range of several numbered pages, as a number: ranges that overlap
        # in one volume are one article's (a page number off by one in one database).
        ("page_from", pa.int32()),
        ("supplement", pa.string()),
        ("meeting", pa.string()),
        ("meeting_numbers", pa.string()),
    ]
)
KEY_COLUMNS = [f.name for f in KEY_SCHEMA]
# Raised whenever `work_keys` computes anything differently. A store's keys of an older
# version were made by older rules and would miss what new records share with them: their
# works are keyed and matched again at the next update (cluster ids stay; never split).
KEYS_VERSION = 2

# Versions of one Cochrane review carry DOIs ending .pub2, .pub3...: one review, one key.
_COCHRANE = re.compile(r"^10\.1002/14651858\.(cd\d{6})")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")
_PMCID = re.compile(r"(?i)pmc\d+")

_CD_NUMBER = re.compile(r"\bCD\d{6}\b", re.IGNORECASE)


def _cochrane_number(work: Work) -> str | None:
    """A Cochrane review cited without its DOI still carries its CD number (pages field)."""
    if "cochrane" not in (work.venue or "").lower():
        return None
    # Ovid packs the pages (and the CD number) into the journal field: read it too.
    for field in (work.pages, work.volume, work.issue, work.url, work.venue):
        found = _CD_NUMBER.search(field or "")
        if found:
            return f"cochrane {found.group(0).lower()}"
    return None


# PLOS and eLife give each figure, table, supplement or section a DOI of its own under the
# article's ("journal.pone.0094853.g001", "elife.06487.001"); a database that stores one of
# those means the article.
_COMPONENT_DOI = re.compile(
    r"^(10\.1371/journal\.[a-z]+\.\d+)\.[gts]\d{3}$|^(10\.7554/elife\.\d+)\.\d{3}$"
)


# An Ovid link names the database record it opens: "ovidweb.cgi?...&D=emed13&AN=70929072".
# Two records with one Embase accession number are one Embase record exported twice (its DOI
# or volume perhaps corrected in between), whichever Embase segment (emed, emexa...) they
# came from.
_OVID_QUERY = re.compile(r"ovidweb\.cgi\?\S*", re.IGNORECASE)
_OVID_EMBASE = re.compile(r"[?&]D=em[a-z]*\d*(?![a-z])", re.IGNORECASE)
_OVID_ACCESSION = re.compile(r"[?&]AN=(L?\d+)", re.IGNORECASE)


def embase_accession(url: str | None) -> str | None:
    """The Embase accession number of an Ovid link, if the link has one."""
    if not url or "ovid" not in url.lower():
        return None
    query = _OVID_QUERY.search(url)
    if not query or not _OVID_EMBASE.search(query.group(0)):
        return None
    accession = _OVID_ACCESSION.search(query.group(0))
    return accession.group(1).upper() if accession else None


def doi_alias(doi: str | None) -> str | None:
    """Spelling-free DOI: Cochrane versions share one, and so do "jas.2013-6195"/"jas2013-6195"
    and an article and its figures' DOIs."""
    if not doi:
        return None
    cochrane = _COCHRANE.match(doi)
    if cochrane:
        return f"cochrane {cochrane.group(1)}"
    component = _COMPONENT_DOI.match(doi)
    return _NOT_ALNUM.sub("", (component.group(1) or component.group(2)) if component else doi)


# Notes databases append to titles in brackets: "[Review] [88 refs]", "[Japanese]",
# "[erratum appears in ...]". They are not part of the title and must not decide its kind.
_TITLE_NOTE = re.compile(
    r"\s*[\[(](?:review|\d+ refs?|notes?|structured abstract|multiple letters|abstract|"
    r"letter|editorial|comment[^\])]*|see comments?[^\])]*|erratum appears[^\])]*|"
    r"published erratum[^\])]*|retraction (?:in|of)[^\])]*|"
    r"(?:english|german|french|japanese|polish|chinese|spanish|russian|italian|portuguese|"
    r"dutch|korean|turkish|hungarian|czech|danish|swedish|norwegian|finnish|hebrew|greek|"
    r"croatian|serbian|slovak|romanian|bulgarian|ukrainian|persian|arabic|lithuanian|"
    r"indonesian|malay|thai|vietnamese)(?: abstract| text)?)[\])]\.?",
    re.IGNORECASE,
)
# MEDLINE's notes about other records run to the end of the title, may hold brackets of their
# own ("[Erratum appears in ... Note: Smith, P [corrected]]") and are often cut off unclosed.
_TRAILING_NOTE = re.compile(
    r"\s*\.?\s*\[(?:erratum appears|published erratum|retraction (?:in|of)|retracted|"
    r"comment (?:in|on)|see comments?|update (?:in|of)|corrected and republished)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
# Web of Science marks the status of the article itself after its title: "(Retracted article.
# See vol. 3, art. no. 3860745, 2018)", "(Withdrawn paper. 1996, art. no. CD000153)". The
# record is the article (retracted) or the withdrawn review, not a notice about it.
_STATUS_NOTE = re.compile(
    r"\s*\((?:retracted article|(withdrawn paper))\b[^()]*\)\s*\.?$", re.IGNORECASE
)
# A short label in brackets at the end ("- [careers]", "[1]", "[Spanish]"): a section or
# reference marker the database added, not a word of the title. "[11C]" (letters and digits,
# a chemical label) stays.
_TRAILING_LABEL = re.compile(r"\s*[-:]?\s*\[(?:[A-Za-z]+(?: [A-Za-z]+)?|\d{1,3})\]\s*\.?$")
# A correction notice cites the article it corrects after its title: "(vol 360, pg 542,
# 2009)" (Web of Science) or "(New England Journal of Medicine (2009) 360 (542-544))" and
# "(Scientific reports (2024) 14 1 DOI: 10.1038/...)" (Embase).
_CORRECTION_CITATION = re.compile(
    r"\s*\((?:vol\.? \d+[, ]+(?:(?:pg|p)\.? ?)?[a-z]?\d+[, ]+(?:1[89]|20)\d\d"
    r"|[A-Z][^()]{2,200} \((?:1[89]|20)\d\d\) \d+[^()]{0,20}"
    r"(?:\([^()]*\d[^()]*\)(?:,? ?doi:? ?[^()\s]+)?|doi:? ?[^()\s]+))\)\s*\.?$",
    re.IGNORECASE,
)
# An original-language note after the English title: "Cerebral protection. German".
_LANGUAGE_NOTE = re.compile(
    r"\.\s*(?:in )?(?:english|german|french|japanese|polish|chinese|spanish|russian|italian|"
    r"portuguese|dutch|korean|turkish|hungarian|czech|danish|swedish|norwegian|finnish|"
    r"hebrew|greek|croatian|serbian|slovak|romanian|bulgarian|ukrainian|persian|arabic)\.?$",
    re.IGNORECASE,
)


def plain_title(title: str | None) -> str:
    """The title without markup and without the notes databases append to it (the citation
    an erratum gives of its article too: the notice's kind is read before it goes)."""
    # Each note needs a bracket or a period: most titles have none and skip the patterns.
    text = strip_markup(title)
    if "[" in text:
        text = _TRAILING_NOTE.sub("", text)
    if "(" in text or "[" in text:
        text = _TITLE_NOTE.sub("", _STATUS_NOTE.sub("", text))
    if "(" in text:
        text = _CORRECTION_CITATION.sub("", text)
    if "]" in text:
        text = _TRAILING_LABEL.sub("", text)
    if "." in text:
        text = _LANGUAGE_NOTE.sub("", text)
    return text.strip()


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
    cited = citation(work)  # journal, volume, issue, pages as the export should have written
    raw_title = None if spreadsheet_damage(work.title) else work.title
    stripped = strip_markup(raw_title)  # once: both the plain title and the kind need it
    plain = plain_title(stripped)
    title = title_key(plain)
    venue_folded = fold(strip_markup(cited.journal))
    venue = venue_key(cited.journal)
    doi = normalize_doi(work.doi)
    pages = cited.pages
    if not pages and work.issue and _E_LOCATOR.match(work.issue.strip()):
        pages = work.issue  # an export that shifted the article number into the issue field
    first, last = page_range(pages)
    first_bare = _bare(first)
    last_bare = _bare(last)
    page_count = _page_count(first_bare, last_bare)
    names = _author_names(work.authors)
    families = [a.partition(",")[0] for a in names]
    surnames = [_name_key(family) for family in families]
    bare = [_bare_name_key(family) for family in families]
    # Given names as well: some exports swap family and given names without saying so.
    given = [_given_name(a) for a in names]
    pmcid = _PMCID.search(work.ids.get("pmcid", "") or "")
    # "10,000" and "10 000" are one number; "alpha<sub>1</sub>" and "alpha1" the same one.
    numbers = _DIGITS.findall(plain)
    if len(numbers) > 1:  # "10,000" is two runs of digits before it is one number
        numbers = _DIGITS.findall(_THOUSANDS.sub("", plain))
    # The meeting's name; "" for a meeting abstract whose record does not name it.
    meeting = title_key(cited.conference) if cited.conference else ""
    abstract_at_meeting = bool(meeting) or is_meeting_abstract(work)
    return {
        "work_id": work_id,
        "doi": doi,
        "doi_alias": doi_alias(doi) or _cochrane_number(work),
        "pmid": (work.ids.get("pmid") or "").strip() or None,
        "pmcid": pmcid.group(0).upper() if pmcid else None,
        "arxiv": (work.ids.get("arxiv") or "").strip().lower() or None,
        "title": title or None,
        "title_alt": _alternative_title(work, title) or None,
        "title_numbers": " ".join(sorted(set(numbers))),
        "authors": " ".join(s for s in surnames if s) or None,
        "authors_given": " ".join(g for g in given if g) if all(given) and given else None,
        "authors_bare": " ".join(b or s for b, s in zip(bare, surnames, strict=True) if b or s)
        if any(bare)
        else None,
        "first_author": surnames[0] if surnames and surnames[0] else None,
        "year": cited.year,
        "venue": venue or None,
        # "British Medical Journal" -> "bmj", to meet the record that says "BMJ".
        "venue_acronym": "".join(w[0] for w in venue.split()) if len(venue.split()) > 1 else None,
        # A one-word name may itself be an acronym ("Cmaj", "BMJ"), kept whole; so is one
        # word before a colon ("ICIS: Transforming Society with Digital Innovation").
        "venue_word": _venue_word(venue_folded, venue),
        # Two letters a word, for abbreviations shorter than three ("Am J Respir").
        "venue_short": " ".join(w[:2] for w in venue.split()) or None,
        "volume": cited.volume,
        "issue": cited.issue,
        "page_first": first,
        "page_last": last,
        "kind": _kind(stripped, title, plain),
        "part": part_number(title),
        "generic": is_generic(title),
        "category": category(work, venue_folded, meeting=bool(meeting)),
        "abstract": _NOT_ALNUM.sub(
            " ", fold(strip_markup((work.abstract or "")[:400]))[:300]
        ).strip()
        or None,
        "page_first_bare": first_bare,
        "page_last_bare": last_bare,
        "article_number": bool(_ARTICLE_NUMBER.fullmatch(first)) if first is not None else None,
        "page_count": page_count,
        "embase": embase_accession(work.url),
        "page_from": int(first_bare) if page_count is not None and first_bare else None,
        # Pages "S12" are a supplement's, whatever the volume and issue fields say.
        "supplement": cited.supplement
        if cited.supplement is not None
        else ("" if first and first[0] == "s" and first[1:].isdigit() else None),
        "meeting": meeting if abstract_at_meeting else None,
        "meeting_numbers": " ".join(_DIGITS.findall(meeting)) if meeting else None,
    }


def _bare(page: str | None) -> str | None:
    """A page without its letter prefix or leading zeros: "S197", "197" and "e000197" meet."""
    if page is None:
        return None
    return page.lstrip(_LETTERS).lstrip("0") or "0"


def _author_names(authors: tuple[str, ...]) -> list[str]:
    """The first eight names as "Family, Given"; names an export left unsplit ("Smith J. A.",
    glued lists) are split first."""
    names = [n for a in authors[:8] for n in ((a,) if "," in a else split_authors(a))]
    return [n for n in names[:8] if not spreadsheet_damage(n)]


def _kind(stripped: str, title: str, plain: str) -> str:
    """What the record is, read from its title (without markup) before the notes go."""
    if "(" in stripped:
        if _CORRECTION_CITATION.search(stripped):
            return "erratum"
        status = _STATUS_NOTE.search(stripped)
        if status and status.group(1):
            return "withdrawn"
    return record_kind(title, plain)


def _page_count(first: str | None, last: str | None) -> int | None:
    """Pages after the first of a range of several numbered pages ("221-228" gives 7); None
    for one page, an article number or roman front matter."""
    if not (first and last and (first + last).isascii() and first.isdigit() and last.isdigit()):
        return None
    count = int(last) - int(first)
    return count if count > 0 else None


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ARTICLE_NUMBER = re.compile(r"[a-z][0-9]{4,}")
_THOUSANDS = re.compile(r"(?<=\d)[,. ](?=\d{3}\b)")
_E_LOCATOR = re.compile(r"^[eE]\d{4,}$")


@lru_cache(maxsize=1 << 16)
def _name_key(name: str) -> str:
    """A family name's matching key: folded, its particles joined to it ("De Caterina" and
    "DECATERINA" meet), with the spellings transliteration and umlauts vary in made alike
    ("Petrovskii", "Petrovsky"; "Mueller", "Muller")."""
    joined: list[str] = []
    after_particle = False
    for word in _name_words(name):  # particles join the word after: "van der berg" -> "vanderberg"
        if after_particle:
            joined[-1] += word
        else:
            joined.append(word)
        after_particle = word in NAME_PARTICLES
    return " ".join(joined)


@lru_cache(maxsize=1 << 16)
def _bare_name_key(name: str) -> str:
    """The family name without its particles ("Van der Berg" meets "Berg A. B. V.", the
    particle moved behind the initials); "" when it has none."""
    words = _name_words(name)
    if len(words) < 2 or words[0] not in NAME_PARTICLES:
        return ""
    while len(words) > 1 and words[0] in NAME_PARTICLES:
        words = words[1:]
    return " ".join(words)


def _name_words(name: str) -> list[str]:
    if name.isascii() and "<" not in name and "&" not in name:
        key = " ".join(_NOT_ALNUM.sub(" ", name.lower()).split())
    else:
        key = title_key(name)
    return [_TRANSLITERATED.sub(_spelling, word) for word in key.split(" ")]


# Russian endings transliterated several ways (-ii, -iy, -ij, -yi, -y), and German umlauts
# written out (ue, oe, ae) or folded (u, o, a).
_TRANSLITERATED = re.compile(r"(?:ii|iy|ij|yi|yj|yy)$|(?<=[a-z])([aou])e")


def _spelling(found: re.Match[str]) -> str:
    return found.group(1) or "y"


@lru_cache(maxsize=1 << 16)
def _given_name(author: str) -> str:
    """First given name of a "Family, Given" author when it is a whole word, not initials."""
    given = author.partition(",")[2].strip().split(" ")[0]
    key = _name_key(given)
    return key if len(key) > 2 and not _INITIALS.match(given) else ""


_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def _venue_word(folded: str, key: str) -> str | None:
    if len(key.split()) == 1:
        return _NOT_ALNUM.sub("", folded)
    head = _NOT_ALNUM.sub(" ", folded.partition(":")[0]).split()
    return head[0] if ":" in folded and len(head) == 1 and len(head[0]) >= 3 else None


def keys_table(records: Iterable[tuple[str, Work]]) -> pa.Table:
    """The `dedup_keys` rows of (work_id, work) pairs, as one Arrow table."""
    columns: dict[str, list[Any]] = {name: [] for name in KEY_COLUMNS}
    for work_id, work in records:
        for name, value in work_keys(work_id, work).items():
            columns[name].append(value)
    return pa.table(columns, schema=KEY_SCHEMA)
