"""Europe PMC: PubMed, PubMed Central, preprints (PPR) and Agricola, life sciences."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from connectors import nlm
from connectors.europepmc_xml import xml_page
from connectors.nlm import medline_name
from harvester.connector import JsonConnector, dig
from harvester.errors import SkippableRecordError
from harvester.mapping import id_map, person, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.pagination import CursorPaginator, Page
from harvester.query.dialects import EUROPE_PMC
from harvester.work import Work

# Search fields for "records since" (Europe PMC Web Service Reference 6.9 and its field list):
# FIRST_IDATE, the day a record was first indexed (every record carries it as firstIndexDate),
# follows new records; UPDATE_DATE also catches changed ones; CREATION_DATE is the entry date.
SINCE_FIELDS = ("FIRST_IDATE", "UPDATE_DATE", "CREATION_DATE")


def listed(value: Any, key: str) -> list[Any]:
    """The items of a `{"author": [...]}`-style list (one item may come unwrapped)."""
    items = value.get(key) if isinstance(value, dict) else None
    return items if isinstance(items, list) else [items] if items else []


class EuropePMC(JsonConnector):
    name = "europepmc"
    title = "Europe PMC"
    base_url = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    path = "/search"
    # The last page echoes the cursor it was sent instead of leaving it out.
    paginator = CursorPaginator(param="cursorMark", echo_means_end=True)
    page_size = 1000
    page_size_param = "pageSize"
    rate_limit = 5.0  # no documented limit; a polite pace
    records_at = ("resultList", "result")
    token_at = ("nextCursorMark",)
    total_at = ("hitCount",)
    joined_params: ClassVar[dict[str, str]] = {"query": " AND "}
    dialect = EUROPE_PMC
    base_params: ClassVar[dict[str, str]] = {"format": "json", "resultType": "core"}
    contact_param = "email"
    option_choices: ClassVar[dict[str, tuple[str, ...]]] = {"since_field": SINCE_FIELDS}
    options: ClassVar[dict[str, str]] = {
        "since_field": "FIRST_IDATE (default: newly indexed), UPDATE_DATE or CREATION_DATE",
    }

    def since_params(self, since: date) -> dict[str, str]:
        field = self.settings.get("since_field", SINCE_FIELDS[0])
        return {"query": f"{field}:[{since.isoformat()} TO 3000-12-31]"}

    def api_error(self, body: bytes) -> str | None:
        if not body.lstrip().startswith(b"{"):
            return None
        data = self.load_json(body)
        if not isinstance(data, dict) or "resultList" in data:
            return None
        message = data.get("errMsg") or data.get("error") or data.get("message")
        return " ".join(str(message).split())[:300] if message else None

    def parse_page(self, body: bytes) -> Page:
        # The XML and Dublin Core formats come only from saved responses (`connectors parse`).
        return (
            super().parse_page(body) if body.lstrip()[:1] == b"{" else xml_page(body, self.instance)
        )

    def source_id(self, raw: Any) -> str:
        if not raw.get("id") or not raw.get("source"):
            raise SkippableRecordError("Europe PMC record without id and source")
        return f"{raw['source']}:{raw['id']}"

    def updated_at(self, raw: Any) -> str | None:
        value = raw.get("firstIndexDate")
        return str(value) if value else None

    def to_work(self, raw: Any) -> Work:
        source, ident = raw.get("source"), raw.get("id")
        info = raw.get("journalInfo") or {}
        journal = info.get("journal") or {}
        types = listed(raw.get("pubTypeList"), "pubType") or (raw.get("pubType") or "").split(";")
        issns = [
            journal.get("issn"),
            journal.get("essn"),
            *(raw.get("journalIssn") or "").split(";"),
        ]
        return Work(
            source=self.instance,
            source_id=self.source_id(raw),
            doi=normalize_doi(raw.get("doi")),
            title=clean_title(raw.get("title")),
            authors=self._authors(raw),
            year=parse_year(
                raw.get("pubYear")
                or info.get("yearOfPublication")
                or raw.get("firstPublicationDate")
            ),
            venue=clean_text(
                journal.get("title")
                or raw.get("journalTitle")
                or dig(raw, ("bookOrReportDetails", "publisher"))
            ),
            abstract=clean_abstract(raw.get("abstractText")),
            type="preprint" if source == "PPR" else nlm.work_type(types),
            language=nlm.language(raw.get("language")),
            url=f"https://europepmc.org/article/{source}/{ident}",
            ids=id_map(
                pmid=raw.get("pmid") or (ident if source == "MED" else None),
                pmcid=raw.get("pmcid") or (ident if source == "PMC" else None),
                ppr=ident if source == "PPR" else None,
            ),
            volume=info.get("volume") or raw.get("journalVolume"),
            issue=info.get("issue") or raw.get("issue"),
            pages=raw.get("pageInfo"),
            issn=tuple(dict.fromkeys(filter(None, map(normalize_issn, issns)))),
            keywords=strings(
                [
                    *listed(raw.get("keywordList"), "keyword"),
                    *(
                        dig(m, ("descriptorName",))
                        for m in listed(raw.get("meshHeadingList"), "meshHeading")
                    ),
                ]
            ),
            published=raw.get("firstPublicationDate"),
            updated=self.updated_at(raw),
            retracted=nlm.is_retracted(types),
        )

    def _authors(self, raw: Any) -> tuple[str, ...]:
        people = listed(raw.get("authorList"), "author")
        if not people:  # lite results only carry "Smith J, Doe A."
            return tuple(
                filter(None, map(medline_name, str(raw.get("authorString") or "").split(", ")))
            )
        out = []
        for author in people:
            family, given = (
                author.get("lastName"),
                author.get("firstName") or author.get("initials"),
            )
            if family:
                name = person(family, given)
            elif author.get("collectiveName"):  # a group is a name of its own, not "Family, Given"
                name = clean_text(author["collectiveName"])
            else:
                name = medline_name(author.get("fullName"))
            if name:
                out.append(name)
        return tuple(out)
