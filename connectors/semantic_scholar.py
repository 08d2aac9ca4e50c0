"""Semantic Scholar Academic Graph: papers of all disciplines, through its bulk search."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from harvester.connector import JsonConnector
from harvester.mapping import first, id_map, names, type_name
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.pagination import CursorPaginator
from harvester.query.dialects import SEMANTIC_SCHOLAR
from harvester.work import Work

FIELDS = (
    "title,abstract,year,publicationDate,venue,publicationVenue,journal,externalIds,authors,"
    "publicationTypes,url"
)


def pmcid(value: Any) -> str | None:
    """Semantic Scholar gives PMC ids as bare numbers; the other sources write "PMC123"."""
    return None if value in (None, "") else re.sub(r"^(?:PMC)?", "PMC", str(value))


class SemanticScholar(JsonConnector):
    name = "semantic_scholar"
    dialect = SEMANTIC_SCHOLAR
    base_params: ClassVar[dict[str, str]] = {"fields": FIELDS}
    title = "Semantic Scholar"
    base_url = "https://api.semanticscholar.org/graph/v1"
    path = "/paper/search/bulk"
    # Bulk search answers up to 1,000 papers per call and hands out a `token` for the next call.
    paginator = CursorPaginator(param="token", start=None)
    rate_limit = 1.0  # what a key allows; without one the shared pool is smaller still
    records_at = ("data",)
    token_at = ("token",)
    total_at = ("total",)
    single_record_key = "paperId"
    api_key_env = ("S2_API_KEY", "SEMANTIC_SCHOLAR_API_KEY")
    api_key_header = "x-api-key"

    def since_params(self, since: date) -> dict[str, str]:
        # There is no "changed since" filter: ask for papers published since (open-ended range).
        return {"publicationDateOrYear": f"{since.isoformat()}:"}

    def api_error(self, body: bytes) -> str | None:
        if not body.lstrip().startswith(b"{"):
            return None
        data = self.load_json(body)
        if "data" in data or "paperId" in data or "total" in data:
            return None
        message = data.get("error") or data.get("message")
        return str(message) if message else None

    def source_id(self, raw: Any) -> str:
        return str(raw["paperId"])

    def to_work(self, raw: Any) -> Work:
        ids = raw.get("externalIds") or {}
        journal = raw.get("journal") or {}
        venue = raw.get("publicationVenue") or {}
        doi = normalize_doi(ids.get("DOI"))
        return Work(
            source=self.instance,
            source_id=self.source_id(raw),
            doi=doi,
            title=clean_title(raw.get("title")),
            authors=names(a.get("name") for a in raw.get("authors") or []),
            year=parse_year(raw.get("year")),
            venue=clean_text(journal.get("name") or raw.get("venue") or venue.get("name")),
            abstract=clean_abstract(raw.get("abstract")),
            type=type_name(first(raw.get("publicationTypes") or [])),
            url=f"https://doi.org/{doi}" if doi else raw.get("url"),
            volume=clean_text(journal.get("volume")),
            pages=clean_text(journal.get("pages")),
            issn=tuple(filter(None, [normalize_issn(venue.get("issn"))])),
            published=raw.get("publicationDate"),
            ids=id_map(
                s2=raw.get("paperId"),
                pmid=ids.get("PubMed"),
                pmcid=pmcid(ids.get("PubMedCentral")),
                arxiv=ids.get("ArXiv"),
                mag=ids.get("MAG"),
            ),
        )
