"""NCBI E-utilities' two-step protocol: esearch onto the history server, then efetch batches.

esearch reaches only the first 9,999 records of a query, so a larger result is split into
date windows (on the search's `datetype`, entry date by default), halved until each fits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from lxml import etree

from harvester.connector import Fetch
from harvester.errors import FatalAPIError, ProtocolError
from harvester.http import Request
from harvester.pagination import Page
from harvester.xml import parse_xml, text

SEARCH_LIMIT = 9999
EARLIEST, OPEN_END = date(1700, 1, 1), date(3000, 12, 31)  # bounds of an open date window
PASSED_ON = ("db", "tool", "email", "api_key")  # sent with efetch as they were with esearch


@dataclass(frozen=True)
class SearchPage(Page):
    """An esearch answer: the hit count and where the history server keeps the result."""

    query_key: str | None = None
    webenv: str | None = None


def search_page(root: etree._Element) -> SearchPage:
    # Count=0 with ErrorList/PhraseNotFound is an empty result, not an error.
    count = text(root, "Count") or "0"
    return SearchPage(
        records=root.findall("IdList/Id"),
        total=int(count) if count.isdigit() else 0,
        query_key=text(root, "QueryKey"),
        webenv=text(root, "WebEnv"),
    )


def eutils_error(body: bytes, source: str) -> str | None:
    """NCBI's own error message: `<ERROR>` documents, or the over-limit JSON (even with 200)."""
    if body.lstrip().startswith(b"{"):
        try:
            data = json.loads(body)
        except ValueError:
            return None
        return str(data["error"]) if isinstance(data, dict) and data.get("error") else None
    if b"<ERROR>" not in body[:4096]:
        return None
    return text(parse_xml(body, source=source), "ERROR")


@dataclass(frozen=True)
class HistoryWalk:
    """Every record of an esearch, fetched `batch` at a time through the history server."""

    fetch: Fetch
    source: str
    batch: int
    limit: int = SEARCH_LIMIT

    def pages(self, search: Request, whole: bool = True) -> Iterator[tuple[Request, Page]]:
        found = self.fetch(search)
        if not isinstance(found, SearchPage):
            raise ProtocolError("esearch did not answer with an eSearchResult", source=self.source)
        count = found.total or 0
        if count <= self.limit:
            yield from self._batches(search, found, count, whole)
            return
        low = _day(search.params.get("mindate"), EARLIEST)
        high = _day(search.params.get("maxdate"), OPEN_END)
        if low >= high:
            raise FatalAPIError(
                f"{count} records dated {low} match this query, more than esearch can reach "
                f"({self.limit}); narrow the query",
                source=self.source,
            )
        middle = low + timedelta(days=(high - low).days // 2)
        for part in ((low, middle), (middle + timedelta(days=1), high)):
            yield from self.pages(_window(search, *part), whole=False)

    def _batches(
        self, search: Request, found: SearchPage, count: int, whole: bool
    ) -> Iterator[tuple[Request, Page]]:
        if not count:
            return
        if not (found.query_key and found.webenv):
            raise ProtocolError("esearch returned no history (WebEnv)", source=self.source)
        params = {k: v for k, v in search.params.items() if k in PASSED_ON}
        params |= {"query_key": found.query_key, "WebEnv": found.webenv, "retmode": "xml"}
        url = search.url.rsplit("/", 1)[0] + "/efetch.fcgi"
        # Batches step through positions of the stored result, not through records received:
        # a record deleted since the search leaves a batch short without shifting the next.
        for start in range(0, count, self.batch):
            request = Request(url, {**params, "retstart": str(start), "retmax": str(self.batch)})
            page = self.fetch(request)
            if isinstance(page, SearchPage) and page.records:
                raise ProtocolError("efetch answered with search results", source=self.source)
            # A window's count is not the harvest's: only an unsplit search has a total.
            yield request, replace(page, total=count if whole else None)
            if not page.records:
                return


def _day(value: str | None, default: date) -> date:
    return datetime.strptime(value, "%Y/%m/%d").date() if value else default


def _window(search: Request, low: date, high: date) -> Request:
    window = {"datetype": search.params.get("datetype", "edat")}
    window |= {"mindate": f"{low:%Y/%m/%d}", "maxdate": f"{high:%Y/%m/%d}"}
    return replace(search, params={**search.params, **window})
