"""PubMed (NCBI E-utilities): MEDLINE and PubMed citations, biomedicine and life sciences."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, ClassVar

from lxml import etree

from connectors.eutils import OPEN_END, HistoryWalk, eutils_error, search_page
from connectors.medline import record_id, record_work
from harvester.connector import Fetch, XmlConnector
from harvester.errors import ProtocolError
from harvester.http import Request
from harvester.pagination import Page
from harvester.query.dialects import PUBMED
from harvester.work import Work
from harvester.xml import parse_xml


class PubMed(XmlConnector):
    name = "pubmed"
    title = "PubMed"
    base_url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    path = "/esearch.fcgi"
    page_size = 500  # articles per efetch
    rate_limit, keyed_rate_limit = 3.0, 10.0
    dialect = PUBMED
    base_params: ClassVar[dict[str, str]] = {
        "db": "pubmed",
        "usehistory": "y",
        "retmax": "0",
        "tool": "harvester",
    }
    api_key_env = ("NCBI_API_KEY",)
    api_key_param = "api_key"
    contact_param = "email"
    # NCBI answers over-limit with status 200 (or 429); "backend failed" passes with a retry.
    throttle_markers = ("rate limit", "backend failed")
    options: ClassVar[dict[str, str]] = {"batch_size": "articles per efetch request (500)"}

    def since_params(self, since: date) -> dict[str, str]:
        window = {"mindate": f"{since:%Y/%m/%d}", "maxdate": f"{OPEN_END:%Y/%m/%d}"}
        return {"datetype": "edat", **window}

    @classmethod
    def setting_problems(cls, settings: Mapping[str, Any]) -> dict[str, str]:
        batch = settings.get("batch_size", cls.page_size)
        ok = isinstance(batch, int) and 0 < batch <= 10000
        return {} if ok else {"batch_size": "must be a whole number from 1 to 10000"}

    def pages(self, fetch: Fetch, first: Request) -> Iterator[tuple[Request, Page]]:
        batch = int(self.settings.get("batch_size", self.page_size))
        yield from HistoryWalk(fetch, self.instance, batch).pages(first)

    def api_error(self, body: bytes) -> str | None:
        return eutils_error(body, self.instance)

    def parse_page(self, body: bytes) -> Page:
        root = parse_xml(body, source=self.instance)
        tag = etree.QName(root).localname
        if tag == "eSearchResult":
            return search_page(root)
        if tag in ("PubmedArticleSet", "pmc-articleset"):
            kinds = ("PubmedArticle", "PubmedBookArticle", "article")
            return Page(records=[child for child in root if child.tag in kinds])
        raise ProtocolError(f"unexpected E-utilities document <{tag}>", source=self.instance)

    def source_id(self, raw: Any) -> str:
        return record_id(raw)

    def to_work(self, raw: Any) -> Work:
        return record_work(self.instance, raw)
