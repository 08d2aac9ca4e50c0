"""arXiv: preprints in physics, mathematics, computer science, statistics, economics, q-bio."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from harvester.connector import XmlConnector
from harvester.errors import SkippableRecordError
from harvester.mapping import names, strings
from harvester.normalize import clean_abstract, clean_text, clean_title, normalize_doi, parse_year
from harvester.pagination import OffsetPaginator, Page
from harvester.query import Query, Translation
from harvester.query.dialects import ARXIV
from harvester.work import Work
from harvester.xml import parse_xml, text, texts

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
# The documented date fields; the search sorts on the one the since filter uses.
SINCE_FIELDS = ("submittedDate", "lastUpdatedDate")


def arxiv_id(url: str | None) -> str:
    """Versionless id from an entry id: ".../abs/2202.12139v1" -> "2202.12139" (and old-style
    ".../abs/astro-ph/0601001v1" -> "astro-ph/0601001")."""
    ident = re.sub(r"v\d+$", "", (url or "").split("/abs/", 1)[-1].strip())
    if not ident or "/api/errors" in (url or ""):
        raise SkippableRecordError(f"not an arXiv entry id: {url!r}")
    return ident


class ArXiv(XmlConnector):
    name = "arxiv"
    title = "arXiv"
    base_url = "https://export.arxiv.org"
    path = "/api/query"
    paginator = OffsetPaginator(param="start")
    page_size = 200
    page_size_param = "max_results"
    rate_limit = 1 / 3  # arXiv asks for one request every three seconds
    joined_params: ClassVar[dict[str, str]] = {"search_query": " AND "}
    dialect = ARXIV
    option_choices: ClassVar[dict[str, tuple[str, ...]]] = {"since_field": SINCE_FIELDS}
    options: ClassVar[dict[str, str]] = {
        "since_field": "submittedDate (default: new preprints) or lastUpdatedDate",
    }

    def translate(self, query: Query) -> Translation:
        # Sorted on the since filter's date field, so offsets hold while new preprints arrive.
        order = {"sortBy": self._since_field(), "sortOrder": "ascending"}
        return super().translate(query).with_params(order)

    def since_params(self, since: date) -> dict[str, str]:
        return {"search_query": f"{self._since_field()}:[{since:%Y%m%d}0000 TO 300012312359]"}

    def _since_field(self) -> str:
        return str(self.settings.get("since_field", SINCE_FIELDS[0]))

    def api_error(self, body: bytes) -> str | None:
        # Errors are Atom feeds too: one entry whose id is https://arxiv.org/api/errors#...
        if b"/api/errors" not in body:
            return None
        root = parse_xml(body, source=self.instance)
        for entry in root.iterfind("atom:entry", NS):
            if "/api/errors" in (text(entry, "atom:id", NS) or ""):
                return text(entry, "atom:summary", NS) or text(entry, "atom:id", NS)
        return None

    def parse_page(self, body: bytes) -> Page:
        root = parse_xml(body, source=self.instance, expect="feed")
        total = text(root, "opensearch:totalResults", NS) or ""
        entries = root.findall("atom:entry", NS)
        return Page(records=entries, total=int(total) if total.isdigit() else None)

    def source_id(self, raw: Any) -> str:
        return arxiv_id(text(raw, "atom:id", NS))

    def updated_at(self, raw: Any) -> str | None:
        return text(raw, "atom:updated", NS)

    def to_work(self, raw: Any) -> Work:
        ident = self.source_id(raw)
        primary = raw.find("arxiv:primary_category", NS)
        categories = [c.get("term") for c in raw.iterfind("atom:category", NS)]
        published = text(raw, "atom:published", NS)
        return Work(
            source=self.instance,
            source_id=ident,
            doi=normalize_doi(text(raw, "arxiv:doi", NS)),
            title=clean_title(text(raw, "atom:title", NS)),
            authors=names(texts(raw, "atom:author/atom:name", NS)),
            year=parse_year(published),
            # The journal reference names where the preprint was published, if it was.
            venue=clean_text(text(raw, "arxiv:journal_ref", NS)),
            abstract=clean_abstract(text(raw, "atom:summary", NS)),
            type="preprint",
            url=f"https://arxiv.org/abs/{ident}",
            ids={"arxiv": ident},
            keywords=strings([primary.get("term") if primary is not None else None, *categories]),
            published=published[:10] if published else None,
            updated=self.updated_at(raw),
        )
