"""OAI-PMH mapping and protocol edge cases: OJS records, deleted headers, errors, HTML pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connectors.oai_dc import dc_work, language_code, parse_citation
from connectors.oai_pmh import OaiPmh
from harvester import oai
from harvester.errors import ConfigError, FatalAPIError, ProtocolError, RetriableAPIError
from harvester.http import Response
from harvester.query import Query
from harvester.review import load_review
from harvester.xml import parse_xml, to_string
from tests.conftest import API

OAI_DIR, OJS_DIR = API / "oai_pmh", API / "ojs"
HTML = b"<!DOCTYPE html>\n<html><head><title>Jurnal</title></head><body>Beranda</body></html>"


def parse(folder, name: str):  # type: ignore[no-untyped-def]
    return OaiPmh().parse((folder / name).read_bytes())


def ojs_record(*dc: str, header: str = "") -> bytes:
    """A record shaped like OJS 3.4 writes it (hand-made here: no Indonesian recording exists)."""
    return f"""<record xmlns="http://www.openarchives.org/OAI/2.0/">
      <header{header}><identifier>oai:jurnal.example.ac.id:article/929</identifier>
        <datestamp>2024-03-01T02:03:04Z</datestamp><setSpec>jap:ART</setSpec></header>
      <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
        xmlns:dc="http://purl.org/dc/elements/1.1/">{"".join(dc)}</oai_dc:dc></metadata>
    </record>""".encode()


BILINGUAL = (
    '<dc:title xml:lang="en">One-Stop Licensing Services in Sleman Regency</dc:title>',
    '<dc:title xml:lang="id">Pelayanan Perizinan Terpadu Satu Pintu di Kabupaten Sleman</dc:title>',
    '<dc:creator xml:lang="id">Wibowo, Agus</dc:creator>',
    '<dc:creator xml:lang="id">Rahmawati</dc:creator>',
    '<dc:description xml:lang="en">English abstract.</dc:description>',
    '<dc:description xml:lang="id">Abstrak berbahasa Indonesia.</dc:description>',
    "<dc:subject>PTSP; perizinan online</dc:subject>",
    "<dc:date>2021-06-30</dc:date>",
    '<dc:source xml:lang="id">Jurnal Administrasi Publik; Vol 12 No 2 (2021): Desember; 101-115'
    "</dc:source>",
    "<dc:source>2548-7647</dc:source>",
    "<dc:identifier>https://jurnal.example.ac.id/index.php/jap/article/view/929</dc:identifier>",
)


def test_bilingual_ojs_record_keeps_both_titles_with_the_article_language_first() -> None:
    (work,) = OaiPmh().parse(ojs_record(*BILINGUAL, "<dc:language>ind</dc:language>"))
    assert work.title == "Pelayanan Perizinan Terpadu Satu Pintu di Kabupaten Sleman"
    assert work.other_titles == ("One-Stop Licensing Services in Sleman Regency",)
    assert work.abstract == "Abstrak berbahasa Indonesia."
    assert work.language == "id"
    assert work.authors == ("Wibowo, Agus", "Rahmawati")
    assert work.keywords == ("PTSP", "perizinan online")
    assert (work.venue, work.volume, work.issue, work.pages) == (
        "Jurnal Administrasi Publik",
        "12",
        "2",
        "101-115",
    )
    assert work.year == 2021 and work.published == "2021-06-30"
    assert work.issn == ("2548-7647",)
    assert work.url == "https://jurnal.example.ac.id/index.php/jap/article/view/929"
    assert work.doi is None
    (english,) = OaiPmh().parse(ojs_record(*BILINGUAL, "<dc:language>eng</dc:language>"))
    assert english.title == "One-Stop Licensing Services in Sleman Regency"
    assert english.other_titles == ("Pelayanan Perizinan Terpadu Satu Pintu di Kabupaten Sleman",)


def test_recorded_bilingual_ojs_record_and_the_pkp_element_order() -> None:
    (work,) = parse(OJS_DIR, "ojs34-tamu-tndr-record-oai_dc-bilingual-en-es-fragment.xml")
    assert work.title.startswith("The Federal Writers Project Helps Fashion")
    assert work.other_titles == ("English: Texas, A Guide to the Lone Star State, 1940",)
    assert (work.venue, work.volume, work.issue, work.pages) == (
        "Texas New Deal Review",
        "1",
        "1",
        "1-12",
    )
    handmade = parse_xml(
        (OJS_DIR / "ojs-main-dc-testfixture-expectedResult-handmade.xml").read_bytes()
    )
    pkp = dc_work(handmade)
    assert (pkp.title, pkp.other_titles) == ("article-title-en", ("article-title-de",))
    assert pkp.doi is None  # its "article-doi" and "galley-doi" are placeholders, not DOIs
    assert pkp.venue == "journal-title" and pkp.pages == "15"


@pytest.mark.parametrize(
    ("dc", "doi"),
    [
        ("<dc:identifier>10.21423/awlj-v21.a270</dc:identifier>", "10.21423/awlj-v21.a270"),
        (
            "<dc:identifier>https://doi.org/10.31289/JAP.V9I1.3071</dc:identifier>",
            "10.31289/jap.v9i1.3071",
        ),
        ("<dc:relation>https://doi.org/10.22146/jkap.51234</dc:relation>", "10.22146/jkap.51234"),
        ("<dc:relation>doi:10.22146/jkap.51234</dc:relation>", "10.22146/jkap.51234"),
        (
            "<dc:source>Jurnal Kebijakan; Vol 5 No 1 (2020); 1-12; DOI: 10.26618/kjap.v5i1.2795"
            "</dc:source>",
            "10.26618/kjap.v5i1.2795",
        ),
        # A dc:source that is only a DOI is the issue's: every article of the issue carries it.
        ("<dc:source>10.26618/kjap.v5i1</dc:source>", None),
        ("<dc:source>https://doi.org/10.26618/kjap.v5i1</dc:source>", None),
    ],
)
def test_doi_wherever_the_journal_put_it(dc: str, doi: str | None) -> None:
    (work,) = OaiPmh().parse(ojs_record("<dc:title>T</dc:title>", dc))
    assert work.doi == doi


def test_article_doi_wins_over_the_issue_doi_and_affiliations_leave_names() -> None:
    (work,) = parse(OJS_DIR, "ojs2-sciencepubco-ijaa-listrecords-oai_dc-reserialized.xml")
    assert (
        work.doi == "10.14419/ijaa.v1i2.1315"
    )  # not the issue DOI 10.14419/ijaa.v1i2 in dc:source
    assert work.authors == ("UV, Satya Seshavatharam", "S, Lakshminarayana")
    assert (work.venue, work.volume, work.issue, work.year, work.pages) == (
        "International Journal of Advanced Astronomy",
        "1",
        "2",
        2013,
        "37-59",
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "Advancing Women in Leadership Journal; Vol. 21 (2006 Summer)",
            ("Advancing Women in Leadership Journal", "21", None, 2006, None),
        ),
        (
            "JKAP (Jurnal Kebijakan dan Administrasi Publik); Vol 23, No 1 (2019): May; 1-15",
            ("JKAP (Jurnal Kebijakan dan Administrasi Publik)", "23", "1", 2019, "1-15"),
        ),
        (
            "Jurnal Ilmu Administrasi Negara; Volume 7 Nomor 1 Tahun 2020; 45–60",
            ("Jurnal Ilmu Administrasi Negara", "7", "1", 2020, "45-60"),
        ),
        ("Publik Jurnal Vol. 8 No. 2 (2022): Edisi Juli", ("Publik Jurnal", "8", "2", 2022, None)),
        ("Jurnal Novelty; No 3 (2018)", ("Jurnal Novelty", None, "3", 2018, None)),
    ],
)
def test_ojs_citation_in_dc_source(source: str, expected: tuple[object, ...]) -> None:
    found = parse_citation(source)
    assert (found.venue, found.volume, found.issue, found.year, found.pages) == expected


@pytest.mark.parametrize(
    ("code", "two"),
    [("eng", "en"), ("ind", "id"), ("en_US", "en"), ("id-ID", "id"), ("xx-y", "xx"), ("", None)],
)
def test_language_codes(code: str, two: str | None) -> None:
    assert language_code(code) == two


def test_deleted_headers_are_kept_as_tombstones() -> None:
    (gone,) = parse(OJS_DIR, "ojs34-tamu-awl-record-deleted-header-fragment.xml")
    assert gone.deleted and gone.source_id == "oai:awl-ojs-tamu.tdl.org:article/293"
    assert gone.title is None and gone.updated == "2025-07-30T15:29:11Z"
    # Zenodo sends metadata even with status="deleted": still a tombstone.
    page = parse(OAI_DIR, "zenodo-listrecords-resumption-page2.xml")
    assert [w.deleted for w in page] == [True, False, False]
    assert page[0].title is None and page[1].title
    synthetic = parse(OAI_DIR, "synthetic-listrecords-deleted-and-token.xml")
    assert [(w.deleted, w.title) for w in synthetic] == [(True, None), (False, "Sample Title")]


def test_datacite_metadata_prefix() -> None:
    (work,) = parse(OAI_DIR, "zenodo-getrecord-datacite.xml")
    assert work.doi == "10.5281/zenodo.10357859"
    assert work.type == "software" and work.year == 2023 and work.published == "2023-12-11"
    assert work.authors[0] == "Klar, Jochen" and len(work.authors) == 9
    assert work.abstract.startswith("RDMO 2.1.0")
    (dc,) = parse(OAI_DIR, "zenodo-getrecord-oai_dc.xml")
    assert (dc.doi, dc.title) == (work.doi, work.title)
    connector = OaiPmh(
        settings={"metadata_prefix": "datacite", "set": "user-rdmo"},
        base_url="https://zenodo.org/oai2d",
    )
    request, translation = connector.first_request(Query("x"))
    assert dict(request.params) == {
        "verb": "ListRecords",
        "metadataPrefix": "datacite",
        "set": "user-rdmo",
    }
    assert not translation.exact and "no search" in translation.notes[0]


def test_list_identifiers_headers_are_records() -> None:
    works = parse(OAI_DIR, "zenodo-listidentifiers-oai_dc-from.xml")
    assert len(works) == 50 and all(w.ids["oai"] == w.source_id for w in works)


def test_since_is_asked_at_the_repository_granularity_never_before_from() -> None:
    day = OaiPmh(settings={"from": "2015-01-01"})
    assert day.since_params(date(2026, 1, 8)) == {"from": "2026-01-08"}
    assert day.since_params(date(2010, 1, 8)) == {"from": "2015-01-01"}
    seconds = OaiPmh(settings={"granularity": "YYYY-MM-DDThh:mm:ssZ"})
    assert seconds.since_params(date(2026, 1, 8)) == {"from": "2026-01-08T00:00:00Z"}
    # TOML reads `from = 2015-01-01` and `until = 2020-06-30T12:00:00Z` as date and datetime.
    toml = OaiPmh(
        settings={"from": date(2015, 1, 1), "until": datetime(2020, 6, 30, 12, tzinfo=UTC)}
    )
    request, _ = toml.first_request(Query("x"))
    assert (request.params["from"], request.params["until"]) == (
        "2015-01-01",
        "2020-06-30T12:00:00Z",
    )


def test_identifiers_of_default_ojs_installs_get_their_host() -> None:
    body = (OJS_DIR / "ojs2-sciencepubco-ijaa-listrecords-oai_dc-reserialized.xml").read_bytes()
    elsewhere = OaiPmh(base_url="http://www.sciencepubco.com/index.php/IJAA/oai")
    (work,) = elsewhere.parse(body)
    assert work.source_id == "www.sciencepubco.com/oai:ojs.pkp.sfu.ca:article/1315"
    assert work.ids["oai"] == "oai:ojs.pkp.sfu.ca:article/1315"
    tamu = (OJS_DIR / "ojs34-tamu-awl-record-oai_dc-doi-issn-fragment.xml").read_bytes()
    (own,) = OaiPmh(base_url="https://awl-ojs-tamu.tdl.org/awl/oai").parse(tamu)
    assert own.source_id == "oai:awl-ojs-tamu.tdl.org:article/270"


def test_payload_is_the_record_alone_and_round_trips() -> None:
    connector = OaiPmh()
    page = connector.parse_page(
        (OAI_DIR / "zenodo-listrecords-oai_dc-page1-trimmed.xml").read_bytes()
    )
    payloads = [connector.payload(raw) for raw in page.records]
    assert all(p.startswith("<record") and p.endswith("</record>") for p in payloads)
    assert [connector.to_work(connector.load_payload(p)) for p in payloads] == [
        connector.to_work(raw) for raw in page.records
    ]
    assert to_string(page.records[0]) == payloads[0]


def check(status: int, body: bytes) -> None:
    OaiPmh().check(Response(status, body, {}, "https://example.org/oai"))


def test_errors_are_read_from_the_body_before_the_status() -> None:
    check(422, (OAI_DIR / "zenodo-error-422-noRecordsMatch-future-from.xml").read_bytes())
    check(200, (OAI_DIR / "synthetic-error-noRecordsMatch.xml").read_bytes())
    with pytest.raises(oai.BadArgument, match="metadataPrefix does not exist") as raised:
        check(
            422, (OAI_DIR / "zenodo-error-422-badArgument-unknown-metadataPrefix.xml").read_bytes()
        )
    assert raised.value.status == 422
    unknown = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="busy"/></OAI-PMH>'
    )
    with pytest.raises(ProtocolError, match="busy"):
        check(200, unknown)
    with pytest.raises(RetriableAPIError):
        check(503, b"<html>down for maintenance</html>")
    with pytest.raises(FatalAPIError, match="HTTP 404"):
        check(404, HTML)


def test_every_error_code_has_its_own_class() -> None:
    codes = {"badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat"}
    codes |= {"idDoesNotExist", "noMetadataFormats", "noSetHierarchy"}
    assert set(oai.ERRORS) == codes
    assert len(set(oai.ERRORS.values())) == len(codes)
    assert all(issubclass(cls, ProtocolError) for cls in oai.ERRORS.values())


def test_an_html_page_where_xml_was_expected_is_named() -> None:
    check(200, HTML)  # nothing OAI-shaped to object to: parsing names the problem
    with pytest.raises(ProtocolError, match="expected XML but received an HTML page"):
        OaiPmh().parse_page(HTML)


def test_a_source_without_an_endpoint_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    review = tmp_path / "r.toml"
    review.write_text('[query]\ntext = "x"\n[[sources]]\nconnector = "oai_pmh"\nset = "jap"\n')
    with pytest.raises(ConfigError, match=r"sources\[1\]\.base_url: required for oai_pmh"):
        load_review(review)
