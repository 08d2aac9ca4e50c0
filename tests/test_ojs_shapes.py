"""What OJS journals write in oai_dc, at scale: citations, languages, bare DOIs, no identifier."""

from __future__ import annotations

import json

import pytest

from connectors.oai_dc import CITATION_RULES, CitationRule, parse_citation
from connectors.oai_pmh import OaiPmh
from harvester.work import Text
from tests.conftest import API, run_cli

PAGE = API / "ojs_madeup" / "ojs3-listrecords-shapes-madeup.xml"


@pytest.mark.parametrize("rule", CITATION_RULES, ids=lambda r: r.part)
def test_every_citation_rule_has_a_made_up_example(rule: CitationRule) -> None:
    source, _, value = rule.example.partition(" -> ")
    assert str(getattr(parse_citation(source), rule.part)) == value


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Jurnal Administrasi Publik; Vol 5 No 2 (2019): Desember; 123-130",
            ("Jurnal Administrasi Publik", "5", "2", 2019, "123-130"),
        ),
        ("Vol. 3 No. 1 (2020)", (None, "3", "1", 2020, None)),
        ("Jurnal Contoh; 2019: Vol 5 No 2; 10-20", ("Jurnal Contoh", "5", "2", 2019, "10-20")),
        (
            "Jurnal Contoh; Vol. 8 No. 1 (2020): Juni 2020; e123",
            ("Jurnal Contoh", "8", "1", 2020, "e123"),
        ),
        ("Jurnal Contoh; Vol 7 (2018); 1-9", ("Jurnal Contoh", "7", None, 2018, "1-9")),
    ],
)
def test_dc_source_into_journal_volume_issue_year_pages(
    source: str, expected: tuple[object, ...]
) -> None:
    found = parse_citation(source)
    assert (found.venue, found.volume, found.issue, found.year, found.pages) == expected


def test_titles_and_abstracts_keep_their_languages() -> None:
    works, skipped = OaiPmh().parse_counted(PAGE.read_bytes())
    article, untagged, deleted = works
    assert article.titles == (
        Text("Tata Kelola Pelayanan Publik di Kabupaten Contoh", "id"),
        Text("Public Service Governance in Contoh Regency", "en"),
    )
    assert [a.language for a in article.abstracts] == ["id", "en"]
    # An untagged title gets the language its words show.
    assert [t.language for t in untagged.titles] == ["id", "en"]
    assert deleted.deleted
    assert len(skipped) == 1 and "without a header identifier" in str(skipped[0])


def test_bare_doi_citation_and_issns_of_an_ojs_record() -> None:
    article = OaiPmh().parse_counted(PAGE.read_bytes())[0][0]
    assert article.doi == "10.99999/jap.v5i2.123"  # not the issue DOI of dc:source
    assert (article.venue, article.volume, article.issue, article.pages) == (
        "Jurnal Administrasi Publik",
        "5",
        "2",
        "123-130",
    )
    assert article.issn == ("2088-1234", "2598-567X")


def test_parse_cli_counts_the_record_without_identifier() -> None:
    result = run_cli("connectors", "parse", "oai_pmh", PAGE)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert json.loads(result.stdout.splitlines()[1])["volume"] == "3"
    assert "skipped 1 unusable records" in result.stderr
