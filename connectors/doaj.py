"""DOAJ: the articles of the peer-reviewed open access journals listed by the Directory."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, ClassVar
from urllib.parse import quote

from connectors.elastic import range_clause
from harvester.connector import JsonConnector
from harvester.http import Request
from harvester.mapping import first, id_map, names, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.pagination import PageNumberPaginator
from harvester.query import Query, Translation
from harvester.query.dialects import DOAJ as DOAJ_SYNTAX
from harvester.work import Work

QUERY = "query"  # travels in the URL path, not as a parameter


class Doaj(JsonConnector):
    name = "doaj"
    title = "DOAJ (Directory of Open Access Journals)"
    base_url = "https://doaj.org/api"  # the current version (v4) answers at /api and /api/v4
    path = "/search/articles"
    paginator = PageNumberPaginator(param="page")
    page_size = 100  # the most DOAJ serves per page
    page_size_param = "pageSize"
    rate_limit = 2.0
    records_at = ("results",)
    total_at = ("total",)
    single_record_key = "bibjson"
    joined_params: ClassVar[dict[str, str]] = {QUERY: " AND "}
    dialect = DOAJ_SYNTAX
    # Oldest first: pages stay put while new articles are added at the end.
    base_params: ClassVar[dict[str, str]] = {"sort": "created_date:asc"}

    def since_params(self, since: date) -> dict[str, str]:
        return {QUERY: range_clause("last_updated", since.isoformat())}

    def first_request(self, query: Query, since: date | None = None) -> tuple[Request, Translation]:
        request, translation = super().first_request(query, since)
        params = dict(request.params)
        # The query is a path segment: a space must be %20 there, and "+" would be a literal plus.
        url = f"{request.url}/{quote(params.pop(QUERY), safe=':')}"
        return replace(request, url=url, params=params), translation

    def api_error(self, body: bytes) -> str | None:
        if not body.lstrip().startswith(b"{"):
            return None
        data = self.load_json(body)
        message = data.get("error") if isinstance(data, dict) and "results" not in data else None
        return str(message) if message else None

    def source_id(self, raw: Any) -> str:
        return str(raw["id"])

    def updated_at(self, raw: Any) -> str | None:
        value = raw.get("last_updated")
        return str(value) if value else None

    def to_work(self, raw: Any) -> Work:
        bib = raw.get("bibjson") or {}
        journal = bib.get("journal") or {}
        ids = {
            i.get("type"): i.get("id") for i in bib.get("identifier") or [] if isinstance(i, dict)
        }
        issns = [ids.get("pissn"), ids.get("eissn"), bib.get("pissn"), bib.get("eissn")]
        pages = "-".join(p for p in (bib.get("start_page"), bib.get("end_page")) if p)
        links = [
            link.get("url") for link in bib.get("link") or [] if link.get("type") == "fulltext"
        ]
        doi = normalize_doi(ids.get("doi"))
        year, month = parse_year(bib.get("year")), str(bib.get("month") or "")
        return Work(
            source=self.instance,
            source_id=self.source_id(raw),
            doi=doi,
            title=clean_title(bib.get("title")),
            authors=names(a.get("name") for a in bib.get("author") or []),
            year=year,
            venue=clean_text(journal.get("title")),
            abstract=clean_abstract(bib.get("abstract")),
            # A journal search answers journals: say so rather than pass them off as articles.
            type="article" if "journal" in bib or "author" in bib else "journal",
            language=str(first(journal.get("language") or []) or "").lower() or None,
            url=f"https://doi.org/{doi}" if doi else next(iter(links), None),
            volume=journal.get("volume"),
            issue=journal.get("number"),
            pages=pages or None,
            issn=strings(normalize_issn(i) for i in issns),
            keywords=strings(bib.get("keywords") or []),
            published=f"{year}-{int(month):02d}" if year and month.isdigit() else None,
            updated=self.updated_at(raw),
            ids=id_map(doaj=raw.get("id")),
        )
