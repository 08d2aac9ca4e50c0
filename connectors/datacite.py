"""DataCite REST API: every DOI registered with DataCite (datasets, software, reports, theses)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from connectors.elastic import range_clause
from harvester.connector import JsonConnector, dig, short_text_error
from harvester.mapping import first, person, strings, type_name
from harvester.normalize import clean_abstract, clean_text, clean_title, normalize_doi, parse_year
from harvester.pagination import NextLinkPaginator
from harvester.query.dialects import DATACITE
from harvester.work import Work


class DataCite(JsonConnector):
    name = "datacite"
    title = "DataCite"
    base_url = "https://api.datacite.org"
    path = "/dois"
    # Cursor paging (page[cursor]=1, then links.next) has no 10,000-record ceiling; the link's
    # parameters are followed on the configured endpoint (a recorded page[number] link works too).
    paginator = NextLinkPaginator(start=(("page[cursor]", "1"),), same_endpoint=True)
    page_size = 1000
    page_size_param = "page[size]"
    rate_limit = 3.0  # 1,000 requests per 5 minutes for identified clients
    records_at = ("data",)
    token_at = ("links", "next")
    total_at = ("meta", "total")
    single_record_key = "attributes"
    joined_params: ClassVar[dict[str, str]] = {"query": " AND "}
    dialect = DATACITE

    def since_params(self, since: date) -> dict[str, str]:
        return {"query": range_clause("updated", since.isoformat())}

    def api_error(self, body: bytes) -> str | None:
        if not body.lstrip().startswith(b"{"):
            return short_text_error(body)
        data = self.load_json(body)
        errors = data.get("errors") if isinstance(data, dict) else None
        if not isinstance(errors, list):
            return None
        return "; ".join(str(e.get("title") or e) for e in errors if e) or "error"

    def source_id(self, raw: Any) -> str:
        return str(raw["id"]).lower()

    def updated_at(self, raw: Any) -> str | None:
        value = dig(raw, ("attributes", "updated"))
        return str(value) if value else None

    def to_work(self, raw: Any) -> Work:
        attrs = raw.get("attributes") or {}
        titles = [t for t in attrs.get("titles") or [] if isinstance(t, dict)]
        main = [t for t in titles if not t.get("titleType")] or titles
        title = clean_title(first(main).get("title")) if main else None
        container = attrs.get("container") or {}
        pages = "-".join(p for p in (container.get("firstPage"), container.get("lastPage")) if p)
        issued = [d.get("date") for d in attrs.get("dates") or [] if d.get("dateType") == "Issued"]
        doi = normalize_doi(attrs.get("doi") or raw.get("id"))
        return Work(
            source=self.instance,
            source_id=self.source_id(raw),
            doi=doi,
            title=title,
            other_titles=strings(
                t for t in (clean_title(t.get("title")) for t in titles) if t and t != title
            ),
            authors=tuple(
                name
                for c in attrs.get("creators") or []
                if (name := person(c.get("familyName"), c.get("givenName"), c.get("name")))
            ),
            year=parse_year(attrs.get("publicationYear")),
            venue=clean_text(container.get("title")),
            volume=container.get("volume"),
            issue=container.get("issue"),
            pages=pages or None,
            abstract=clean_abstract(
                first(
                    [
                        d.get("description")
                        for d in attrs.get("descriptions") or []
                        if d.get("descriptionType") in (None, "Abstract")
                    ]
                )
            ),
            type=type_name(dig(attrs, ("types", "resourceTypeGeneral"))),
            language=attrs.get("language"),
            url=attrs.get("url") or (f"https://doi.org/{doi}" if doi else None),
            keywords=strings(s.get("subject") for s in attrs.get("subjects") or []),
            published=first(issued) or attrs.get("published"),
            updated=self.updated_at(raw),
        )
