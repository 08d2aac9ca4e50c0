"""MARC 21 slim (`marcxml`, `marc21`) metadata as a Work: library catalogues over OAI-PMH.

Indonesian library catalogues (INLISLite, SLiMS) and most library systems (Alma, Koha) serve
their bibliographic records as MARCXML. Which field says what is named data below (MARC_FIELDS),
each rule with a made-up example in tests/test_oai_marc.py. Catalogues are uneven: any field
or subfield may be missing, repeated or empty, and the namespace is sometimes left out, so
everything here is read by local name and nothing is required but a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from connectors.marc_record import Marc, marc_record
from harvester.languages import language_code
from harvester.mapping import names, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.work import Text, Work

# Punctuation ISBD leaves at the end of a subfield ("Title :", "Name,", "1813.").
_TRAILING = " /:;,.="
_ISBN = re.compile(r"^[0-9][0-9\- ]{8,16}[0-9Xx]")


@dataclass(frozen=True)
class FieldRule:
    """Where a Work field comes from: MARC tags, in order of preference, and their subfields."""

    field: str
    tags: tuple[str, ...]
    codes: str
    example: str  # a made-up datafield and what it gives, checked by a test


MARC_FIELDS = (
    FieldRule(
        "title",
        ("245",),
        "abnp",
        "245 $a Tata kelola : $b studi kasus -> 'Tata kelola: studi kasus'",
    ),
    FieldRule("authors", ("100", "700"), "a", "100 $a Santoso, Budi, -> 'Santoso, Budi'"),
    FieldRule("publisher", ("264", "260"), "b", "260 $b Pustaka Contoh, -> 'Pustaka Contoh'"),
    FieldRule("year", ("264", "260"), "c", "264 $c c2019. -> 2019 (else 008/07-10)"),
    FieldRule("isbn", ("020",), "a", "020 $a 978-602-1234-56-7 (pbk.) -> '9786021234567'"),
    FieldRule("issn", ("022",), "a", "022 $a 20881234 -> '2088-1234'"),
    FieldRule("abstract", ("520",), "a", "520 $a Ringkasan. -> the abstract"),
    FieldRule("language", ("041",), "a", "041 $a ind -> 'id' (else 008/35-37)"),
    FieldRule("url", ("856",), "u", "856 $u http://lib.example.ac.id/1 -> the URL"),
    FieldRule("doi", ("024",), "a", "024 7_ $a 10.9999/x $2 doi -> '10.9999/x'"),
    FieldRule("keywords", ("650", "653"), "a", "650 $a Administrasi publik -> a keyword"),
    FieldRule("venue", ("773", "490"), "t", "773 $t Jurnal Contoh -> the venue (490 $a: series)"),
)
# What catalogues write where the publisher is unknown ("s.n.", sine nomine; "t.p.", tanpa
# penerbit in Indonesian cataloguing), compared without brackets, dots and spaces.
NO_PUBLISHER = frozenset({"sn", "tp", "tanpapenerbit", "unknown", "np"})
# Leader position 6-7 (type of record, bibliographic level) -> a Work type.
LEADER_TYPES = {
    "am": "book",
    "ab": "article",
    "aa": "book-chapter",
    "as": "journal",
    "tm": "thesis",
}


def _trim(value: str | None) -> str | None:
    return clean_text(value.strip().rstrip(_TRAILING).strip()) if value else None


def _isbn(value: str) -> str | None:
    """ "978-602-1234-56-7 (pbk.)" -> "9786021234567"; None unless 10 or 13 characters."""
    found = _ISBN.match(value.strip())
    digits = re.sub(r"[^0-9Xx]", "", found.group(0)).upper() if found else ""
    return digits if len(digits) in (10, 13) else None


def _publisher(value: str) -> str | None:
    name = _trim(value.strip("[] "))
    unknown = name is None or re.sub(r"[\W_]+", "", name).lower() in NO_PUBLISHER
    return None if unknown else name


def _title(marc: Marc) -> str | None:
    for field in marc.fields("245"):
        parts = [p for p in (_trim(v) for v in marc.subfields(field, "abnp")) if p]
        if parts:
            return clean_title(": ".join(parts[:2]) + "".join(f". {p}" for p in parts[2:]))
    return None


def _doi(marc: Marc) -> str | None:
    for field in marc.fields("024"):
        sources = [s.lower() for s in marc.subfields(field, "2")]
        for value in marc.subfields(field, "a"):
            if (doi := normalize_doi(value)) and (not sources or "doi" in sources):
                return doi
    url = RULES["url"]
    return next((d for u in marc.values(url.tags, url.codes) if (d := normalize_doi(u))), None)


RULES = {rule.field: rule for rule in MARC_FIELDS}


def marc_work(element: etree._Element) -> Work:
    """Map a MARC 21 slim record (or a collection holding one) to a Work."""
    marc = Marc(marc_record(element))

    def values(name: str) -> list[str]:
        return marc.values(RULES[name].tags, RULES[name].codes)

    fixed = marc.control("008")
    language = language_code(next(iter(values("language")), None) or fixed[35:38].strip())
    title = _title(marc)
    abstracts = [Text(a, language) for v in values("abstract") if (a := clean_abstract(v))]
    publisher = next((p for v in values("publisher") if (p := _publisher(v))), None)
    year = next((y for v in values("year") if (y := parse_year(v))), None)
    venue = next((v for f in marc.fields("773") for v in marc.subfields(f, "t")), None)
    series = next((v for f in marc.fields("490") for v in marc.subfields(f, "a")), None)
    isbns = strings(i for v in values("isbn") if (i := _isbn(v)))
    doi = _doi(marc)
    urls = [u for u in values("url") if u.startswith("http")]
    return Work(
        source="",
        source_id="",
        doi=doi,
        titles=(Text(title, language),) if title else (),
        authors=names(_trim(v) for v in values("authors")),
        year=year or parse_year(fixed[7:11]),
        venue=_trim(venue) or _trim(series),
        publisher=publisher,
        abstracts=tuple(abstracts),
        type=LEADER_TYPES.get(marc.leader()[6:8]),
        language=language,
        url=urls[0] if urls else (f"https://doi.org/{doi}" if doi else None),
        issn=strings(normalize_issn(v) for v in values("issn")),
        keywords=strings(_trim(v) for v in values("keywords")),
        ids={"isbn": isbns[0]} if isbns else {},
    )
