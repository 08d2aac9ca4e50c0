"""OpenAlex: an open index of works across all disciplines (Crossref, PubMed, repositories)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from harvester.connector import JsonConnector, dig
from harvester.errors import SkippableRecordError
from harvester.mapping import id_map, names, strings
from harvester.normalize import clean_text, clean_title, normalize_doi, normalize_issn, parse_year
from harvester.pagination import CursorPaginator
from harvester.query.dialects import OPENALEX
from harvester.work import Work

SINCE_FILTERS = ("from_updated_date", "from_created_date")


def _tail(url: Any) -> str | None:
    """Last path segment of an OpenAlex/PubMed/PMC URL id ("https://openalex.org/W1" -> "W1")."""
    return str(url).rstrip("/").rsplit("/", 1)[-1] if url else None


def abstract_text(inverted: dict[str, list[int]] | None) -> str | None:
    """OpenAlex ships abstracts as word -> positions; put the words back in order."""
    if not inverted:
        return None
    slots = {pos: word for word, positions in inverted.items() for pos in positions}
    return clean_text(" ".join(slots[i] for i in sorted(slots)))


class OpenAlex(JsonConnector):
    name = "openalex"
    title = "OpenAlex"
    base_url = "https://api.openalex.org"
    path = "/works"
    paginator = CursorPaginator()
    page_size = 200
    page_size_param = "per-page"
    rate_limit = 10.0
    records_at = ("results",)
    token_at = ("meta", "next_cursor")
    total_at = ("meta", "count")
    single_record_key = "id"
    joined_params: ClassVar[dict[str, str]] = {"filter": ","}
    api_key_env = ("OPENALEX_API_KEY",)
    api_key_param = "api_key"
    contact_param = "mailto"
    dialect = OPENALEX  # Boolean title/abstract search filters
    options: ClassVar[dict[str, str]] = {
        "since_filter": "from_updated_date (default) or from_created_date for incremental runs",
    }

    def since_params(self, since: date) -> dict[str, str]:
        key = str(self.settings.get("since_filter", SINCE_FILTERS[0]))
        return {"filter": f"{key}:{since.isoformat()}"}

    def api_error(self, body: bytes) -> str | None:
        if not body.lstrip().startswith(b"{"):
            return None
        data = self.load_json(body)
        if "error" not in data or "results" in data:
            return None
        message = " ".join(str(data.get("message") or "").split())
        detail = f"{data['error']} {message[:240]}".strip()
        return detail + ("..." if len(message) > 240 else "")

    def source_id(self, raw: Any) -> str:
        ident = _tail(raw.get("id") or dig(raw, ("ids", "openalex")))
        if not ident:
            raise SkippableRecordError("OpenAlex record without an id")
        return ident

    def updated_at(self, raw: Any) -> str | None:
        value = raw.get("updated_date")
        return str(value) if value else None

    def to_work(self, raw: Any) -> Work:
        ids = raw.get("ids") or {}
        location = raw.get("primary_location") or {}
        source = location.get("source") or {}
        biblio = raw.get("biblio") or {}
        pages = "-".join(p for p in (biblio.get("first_page"), biblio.get("last_page")) if p)
        doi = normalize_doi(raw.get("doi") or ids.get("doi"))
        return Work(
            source=self.instance,
            source_id=self.source_id(raw),
            title=clean_title(raw.get("title") or raw.get("display_name")),
            authors=names(
                dig(a, ("author", "display_name")) or a.get("raw_author_name")
                for a in raw.get("authorships") or []
            ),
            year=parse_year(raw.get("publication_year")),
            doi=doi,
            venue=clean_text(source.get("display_name") or location.get("raw_source_name")),
            abstract=abstract_text(raw.get("abstract_inverted_index")),
            type=raw.get("type"),
            language=raw.get("language"),
            url=f"https://doi.org/{doi}" if doi else location.get("landing_page_url"),
            volume=biblio.get("volume"),
            issue=biblio.get("issue"),
            pages=pages or None,
            issn=tuple(filter(None, map(normalize_issn, source.get("issn") or []))),
            keywords=strings(k.get("display_name") for k in raw.get("keywords") or []),
            published=raw.get("publication_date"),
            updated=self.updated_at(raw),
            retracted=bool(raw.get("is_retracted")),
            ids=id_map(
                openalex=self.source_id(raw),
                pmid=_tail(ids.get("pmid")),
                pmcid=_tail(ids.get("pmcid")),
                mag=ids.get("mag"),
            ),
        )
