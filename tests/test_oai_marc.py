"""MARC 21 slim over OAI-PMH: the field rules (made-up examples) and real recorded pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from connectors.marc_record import MARC, is_marc
from connectors.oai_marc import LEADER_TYPES, MARC_FIELDS, marc_work
from harvester.replay import ReplayServer, Route
from harvester.work import Work
from tests.conftest import API, run_cli

PAGES = API / "marcxml"


def record(*fields: str, leader: str = "00000nam  2200000 a 4500", control: str = "") -> Work:
    """A Work from a made-up MARC record holding `fields` (datafield XML, no namespace)."""
    body = f'<record xmlns="{MARC}"><leader>{leader}</leader>{control}{"".join(fields)}</record>'
    return marc_work(etree.fromstring(body))


def datafield(tag: str, *subfields: tuple[str, str], ind1: str = " ") -> str:
    subs = "".join(f'<subfield code="{code}">{value}</subfield>' for code, value in subfields)
    return f'<datafield tag="{tag}" ind1="{ind1}" ind2=" ">{subs}</datafield>'


# One made-up example per rule of MARC_FIELDS: (rule field, datafields, what the Work says).
EXAMPLES = {
    "title": (
        [datafield("245", ("a", "Tata kelola :"), ("c", "Budi /"), ("b", "studi kasus /"))],
        lambda w: w.title == "Tata kelola: studi kasus",
    ),
    "authors": (
        [
            datafield("100", ("a", "Santoso, Budi,"), ("e", "penulis")),
            datafield("700", ("a", "Rahayu, Siti.")),
        ],
        lambda w: w.authors == ("Santoso, Budi", "Rahayu, Siti"),
    ),
    "publisher": (
        [datafield("260", ("b", "Pustaka Contoh,"))],
        lambda w: w.publisher == "Pustaka Contoh",
    ),
    "year": ([datafield("264", ("c", "c2019."))], lambda w: w.year == 2019),
    "isbn": (
        [datafield("020", ("a", "978-602-1234-56-7 (pbk.)"))],
        lambda w: w.ids.get("isbn") == "9786021234567",
    ),
    "issn": ([datafield("022", ("a", "20881234"))], lambda w: w.issn == ("2088-1234",)),
    "abstract": ([datafield("520", ("a", "Ringkasan."))], lambda w: w.abstract == "Ringkasan."),
    "language": ([datafield("041", ("a", "ind"))], lambda w: w.language == "id"),
    "url": (
        [datafield("856", ("u", "http://lib.example.ac.id/1"))],
        lambda w: w.url == "http://lib.example.ac.id/1",
    ),
    "doi": (
        [datafield("024", ("a", "10.9999/x"), ("2", "doi"), ind1="7")],
        lambda w: w.doi == "10.9999/x",
    ),
    "keywords": (
        [datafield("650", ("a", "Administrasi publik."))],
        lambda w: w.keywords == ("Administrasi publik",),
    ),
    "venue": ([datafield("773", ("t", "Jurnal Contoh"))], lambda w: w.venue == "Jurnal Contoh"),
}


@pytest.mark.parametrize("rule", MARC_FIELDS, ids=lambda r: r.field)
def test_every_rule_has_a_made_up_example(rule: object) -> None:
    fields, holds = EXAMPLES[rule.field]  # type: ignore[attr-defined]
    assert holds(record(*fields))


def test_fixed_fields_fill_year_and_language_when_the_datafields_do_not() -> None:
    fixed = '<controlfield tag="008">240305s2019    io            000 0 ind  </controlfield>'
    work = record(datafield("245", ("a", "Judul")), control=fixed)
    assert (work.year, work.language) == (2019, "id")


@pytest.mark.parametrize("unknown", ["[s.n.]", "s.n.,", "[t.p.]", "Tanpa penerbit"])
def test_an_unknown_publisher_is_no_publisher(unknown: str) -> None:
    assert record(datafield("260", ("b", unknown))).publisher is None
    assert record(datafield("260", ("b", "[Pustaka Contoh]"))).publisher == "Pustaka Contoh"


def test_leader_gives_the_type() -> None:
    assert LEADER_TYPES["am"] == "book"
    assert record(leader="00000nab  2200000 a 4500").type == "article"


def test_unseen_shapes_do_not_break_the_mapping() -> None:
    # Empty datafields, subfields without text, a 024 that is an ISRC, no 245 at all.
    work = record(
        '<datafield tag="100" ind1=" " ind2=" "/>',
        datafield("245", ("a", "")),
        datafield("024", ("a", "USRC17607839"), ("2", "isrc"), ind1="7"),
        datafield("020", ("a", "not an isbn")),
    )
    assert (work.title, work.authors, work.doi, work.ids.get("isbn")) == (None, (), None, None)


def test_records_without_the_marc_namespace_are_recognised() -> None:
    bare = etree.fromstring(
        '<record><datafield tag="245"><subfield code="a">X</subfield></datafield></record>'
    )
    assert is_marc(bare)
    assert not is_marc(etree.fromstring("<record><title>X</title></record>"))


def parse(name: str) -> tuple[list[dict[str, object]], str]:
    result = run_cli("connectors", "parse", "oai_pmh", PAGES / name)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_real_alma_marc21_page_parses_into_one_work_per_record() -> None:
    works, _ = parse("alma-tulibraries-listrecords-marc21.xml")
    assert len(works) == 3
    live, *deleted = works
    assert live["title"] == "Readings on modern organizations"
    assert live["authors"] == ["Etzioni, Amitai"]
    assert live["year"] == 1969
    assert live["type"] == "book"
    assert [w["deleted"] for w in deleted] == [True, True]


def test_real_alma_records_give_title_authors_year_publisher() -> None:
    works, _ = parse("alma-tulibraries-bibs-in-oai-envelope.xml")
    assert [(w["year"], w["publisher"]) for w in works] == [
        (1813, "Printed by Samuel Wood, no. 357, Pearl-Street"),
        (1812, "E. Duyckinck"),
    ]
    assert works[0]["authors"] == ["Bevan, Joseph Gurney", "Benezet, Anthony"]
    assert str(works[1]["title"]).startswith("The Holy Bible: containing the Old")


def test_inlislite_shaped_page_with_deleted_and_unidentified_records() -> None:
    works, stderr = parse("inlislite-listrecords-marcxml-madeup.xml")
    book, article, deleted = works
    assert book["title"] == "Tata kelola pemerintahan daerah: studi kasus pelayanan publik"
    assert book["publisher"] == "Pustaka Contoh"
    assert book["ids"] == {
        "isbn": "9786021234567",
        "oai": "oai:inlislite.example.go.id:catalog/1201",
    }
    assert (book["language"], book["year"]) == ("id", 2019)
    assert (article["doi"], article["issn"], article["year"]) == (
        "10.99999/jap.v5i2.123",
        ["2088-1234"],
        2020,
    )
    assert deleted["deleted"] is True
    assert "skipped 1 unusable records" in stderr


def test_a_review_harvests_a_marcxml_catalogue(tmp_path: Path) -> None:
    page = PAGES / "inlislite-listrecords-marcxml-madeup.xml"
    last = tmp_path / "last.xml"
    last.write_bytes(
        page.read_bytes().replace(b"marcxml/100</resumptionToken>", b"</resumptionToken>")
    )
    routes = [
        Route("/oai2", page, query={"verb": "ListRecords", "metadataPrefix": "marcxml"}),
        Route("/oai2", last, query={"verb": "ListRecords", "resumptionToken": "marcxml/100"}),
    ]
    review = tmp_path / "review.toml"
    db = tmp_path / "store.duckdb"
    with ReplayServer(routes=routes) as server:
        review.write_text(
            '[review]\nid = "lib"\ntitle = "catalogue"\ncontact = "t@example.org"\n'
            "[query]\ntext = 'tata OR reformasi'\n"
            f'[[sources]]\nconnector = "oai_pmh"\nbase_url = "{server.url}/oai2"\n'
            'rate_limit = 1000\nmetadata_prefix = "marcxml"\n',
            encoding="utf-8",
        )
        ran = run_cli("run", review, "--db", db)
    assert ran.returncode == 0, ran.stderr + ran.stdout
    assert "Snapshot 1: 2 unique records" in ran.stdout
