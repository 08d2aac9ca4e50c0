"""Dublin Core (oai_dc) metadata as a Work, reading it the way Open Journal Systems writes it.

OJS writes one dc:title and one dc:description per locale (`xml:lang`: an Indonesian article
often has an Indonesian and an English title and abstract, all kept), the article DOI as a
bare dc:identifier, the citation "Journal; Vol 5, No 2 (2020): Issue title; 12-30" in
dc:source followed by the ISSN and the *issue* DOI as further dc:source values, and galley
links in dc:relation. Zenodo and others put a DOI URL in dc:identifier or dc:relation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from harvester.languages import language_code, with_languages
from harvester.mapping import first, names, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.work import Text, Work

DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VERSIONS = {"publishedVersion", "acceptedVersion", "submittedVersion", "updatedVersion", "draft"}
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(frozen=True)
class CitationRule:
    """How one part of an OJS dc:source citation is found: patterns tried in order."""

    part: str  # "volume", "issue", "year" (the first group is the value)
    patterns: tuple[re.Pattern[str], ...]
    example: str  # a made-up dc:source and the value it gives, checked by a test


CITATION_RULES = (
    CitationRule(
        "volume",
        (re.compile(r"\b(?:Vol(?:ume)?|Jilid)\b\.?\s*(\d[\w/-]*)", re.IGNORECASE),),
        "Jurnal Contoh; Vol. 5 No. 2 (2019) -> 5",
    ),
    CitationRule(
        "issue",
        (re.compile(r"\b(?:No|Nomor|Number|Issue|Iss|Edisi)\b\.?\s*(\d[\w/-]*)", re.IGNORECASE),),
        "Jurnal Contoh; Volume 7 Nomor 1 Tahun 2020 -> 1",
    ),
    CitationRule(
        "year",
        (
            re.compile(r"\((?:[^()]*?\b)?(\d{4})\b"),  # "(2019)", "(2006 Summer)"
            re.compile(r"\bTahun\s+(\d{4})\b", re.IGNORECASE),  # "Tahun 2020"
            re.compile(r"^(\d{4})\s*:"),  # "2019: Vol 5 No 2"
        ),
        "Jurnal Contoh; Volume 7 Nomor 1 Tahun 2020 -> 2020",
    ),
)
_RULES = {rule.part: rule for rule in CITATION_RULES}
_PAGES = re.compile(r"^(?:pp?\.?\s*)?([A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)$")


def _found(part: str, text: str) -> str | None:
    for pattern in _RULES[part].patterns:
        if match := pattern.search(text):
            return match.group(1)
    return None


@dataclass(frozen=True)
class Citation:
    """What an OJS dc:source citation says about where the article appeared."""

    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    year: int | None = None
    pages: str | None = None


def parse_citation(value: str) -> Citation:
    """ "Journal; Vol 1, No 2 (2013): Title; 37-59" (and its variants) taken apart."""
    parts = [p.strip() for p in value.split(";") if p.strip()]
    if not parts:
        return Citation()
    rest = " ".join(parts[1:])
    volume, issue = (_RULES[p].patterns[0] for p in ("volume", "issue"))
    head = volume.search(parts[0]) or issue.search(parts[0])
    venue = parts[0][: head.start()] if head else parts[0]
    if head:
        rest = f"{parts[0][head.start() :]} {rest}"
    year = _found("year", rest)
    pages = _PAGES.match(parts[-1]) if len(parts) > 1 else None
    return Citation(
        venue=clean_text(venue.strip(" ,:")) or None,
        volume=_found("volume", rest),
        issue=_found("issue", rest),
        year=parse_year(year) if year else None,
        pages=re.sub(r"\s*[-–]\s*", "-", pages.group(1)) if pages else None,
    )


def is_citation(value: str) -> bool:
    """ "Journal; Vol 1 No 2 (2013); 1-9" or a bare "Vol. 3 No. 1 (2020)" (not an ISSN or DOI)."""
    return ";" in value or bool(_found("volume", value) or _found("issue", value))


def find_doi(identifiers: list[str], relations: list[str], sources: list[str]) -> str | None:
    """The article's DOI wherever the journal put it.

    A dc:source holding nothing but a DOI is the OJS *issue* DOI: taking it would give every
    article of an issue the same DOI and merge them all, so only a DOI inside a longer dc:source
    (a citation that names the article's DOI) counts.
    """
    for value in [*identifiers, *relations]:
        if doi := normalize_doi(value):
            return doi
    for value in sources:
        if len(value.split()) > 1 and (doi := normalize_doi(value)):
            return doi
    return None


def tagged_texts(values: list[tuple[str, str | None]], language: str | None) -> list[Text]:
    """Each value with its `xml:lang` as a language code (an untagged one guessed from its
    words, or the record's language when it is the only one), the record's language first."""
    texts = with_languages([Text(value, lang) for value, lang in values], language)
    return sorted(texts, key=lambda t: t.language != language if language else False)


def dc_type(values: list[str]) -> str | None:
    """ "info:eu-repo/semantics/article" -> "article" (version statements skipped)."""
    for value in values:
        kind = value.rsplit("/", 1)[-1] if value.startswith("info:eu-repo/semantics/") else None
        if kind and kind not in _VERSIONS:
            return kind
    return values[0] if values else None


def dc_work(dc: etree._Element) -> Work:
    """Map a Dublin Core record (any wrapper element holding dc:* elements) to a Work."""

    def tagged(name: str) -> list[tuple[str, str | None]]:
        found = [
            (" ".join("".join(e.itertext()).split()), e.get(XML_LANG))
            for e in dc.iter(f"{{{DC}}}{name}")
        ]
        return [(value, lang) for value, lang in found if value]

    def get(name: str) -> list[str]:
        return [value for value, _ in tagged(name)]

    language = language_code(first(get("language")))
    titles = [
        Text(title, t.language)
        for t in tagged_texts(tagged("title"), language)
        if (title := clean_title(t.text))
    ]
    abstracts = [
        Text(abstract, t.language)
        for t in tagged_texts(tagged("description"), language)
        if (abstract := clean_abstract(t.text))
    ]
    sources, identifiers = get("source"), get("identifier")
    citation = next((parse_citation(s) for s in sources if is_citation(s)), Citation())
    doi = find_doi(identifiers, get("relation"), sources)
    landing = (i for i in identifiers if i.startswith("http") and not normalize_doi(i))
    date = first(get("date"))
    published = _ISO_DATE.match(date) if date else None
    return Work(
        source="",
        source_id="",
        doi=doi,
        titles=tuple(titles),
        # OJS 2 appends the affiliation after a semicolon: "Family, Given; University".
        authors=names(name.split(";")[0] for name in get("creator")),
        year=parse_year(date) or citation.year,
        venue=citation.venue,
        volume=citation.volume,
        issue=citation.issue,
        pages=citation.pages,
        # An OJS record gives its abstract in each language (dc:description xml:lang): all kept.
        abstracts=tuple(abstracts),
        type=dc_type(get("type")),
        language=language,
        url=next(landing, f"https://doi.org/{doi}" if doi else None),
        issn=strings(normalize_issn(s) for s in sources if _ISSN.match(s)),
        keywords=strings(k for subject in get("subject") for k in subject.split(";")),
        published=published.group(0) if published else None,
    )
