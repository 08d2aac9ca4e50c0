"""Crossref REST API: every DOI registered with Crossref (journals, books, proceedings)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from harvester.connector import Fetch, JsonConnector, dig, short_text_error
from harvester.http import Request
from harvester.mapping import date_parts_iso, first, person, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.pagination import CursorPaginator, Page
from harvester.query import Query, Translation
from harvester.query.dialects import CROSSREF
from harvester.query.split import SubQuery, split_strategy
from harvester.work import Work

RETRACTION_TYPES = {"retraction", "withdrawal", "removal"}


class Crossref(JsonConnector):
    name = "crossref"
    title = "Crossref"
    base_url = "https://api.crossref.org"
    path = "/works"
    paginator = CursorPaginator(token_repeats=True)  # one scroll id for the whole walk
    page_size = 1000
    page_size_param = "rows"
    rate_limit = 3.0  # polite pool, list queries (Dec 2025 limits)
    records_at = ("message", "items")
    token_at = ("message", "next-cursor")
    total_at = ("message", "total-results")
    single_record_key = "DOI"
    joined_params: ClassVar[dict[str, str]] = {"filter": ","}
    contact_param = "mailto"
    dialect = CROSSREF  # no Boolean search: a broad query.bibliographic
    # Sorting by index date lets each committed page move the watermark safely.
    base_params: ClassVar[dict[str, str]] = {"sort": "indexed", "order": "asc"}
    ordered_by_update = True

    split: list[SubQuery] | None = None

    def translate(self, query: Query) -> Translation:
        """The broad bag of words; with `max_records`, the strategy's conjunctions instead, each
        ranked by relevance and given a share of the cap (harvester/query/split.py)."""
        translation = super().translate(query)
        self.split = split_strategy(query, self.max_records) if self.max_records else None
        if not self.split:
            return translation
        self.ordered_by_update = False  # ranked by relevance: pages cannot move the watermark
        listed = "; ".join(
            f'{i}. "{q.text}" (up to {q.share:,})' for i, q in enumerate(self.split, 1)
        )
        note = (
            f"max_records = {self.max_records:,}: the strategy is sent as {len(self.split)} "
            f"narrower queries (its AND combinations, NOT parts left to the local filter), each "
            f"ranked by relevance and taking an equal share of the cap, narrowest first: {listed}"
        )
        params = {
            **translation.params,
            "query.bibliographic": self.split[0].text,
            "sort": "score",
            "order": "desc",
        }
        return Translation(params, (*translation.notes, note), exact=False)

    def first_request(self, query: Query, since: date | None = None) -> tuple[Request, Translation]:
        request, translation = super().first_request(query, since)
        if self.split:  # the first split query's share, as `query explain` shows it
            rows = str(min(self.page_size, self.split[0].share))
            request = replace(request, params={**request.params, "rows": rows})
        return request, translation

    def pages(self, fetch: Fetch, first: Request) -> Iterator[tuple[Request, Page]]:
        """Each split query up to its share, then the unfinished ones on, in order, until the
        walk's cap stops them: a run ends "ok" only when every split query is exhausted."""
        if not self.split:
            yield from super().pages(fetch, first)
            return
        total: list[int] = []  # the largest total any split query reported
        unfinished = []
        for sub in self.split:
            params = {**first.params, "query.bibliographic": sub.text}
            params["rows"] = str(min(self.page_size, sub.share))
            walk = super().pages(fetch, replace(first, params=params))
            got = 0
            for request, page in walk:
                got += len(page.records)
                yield request, self._with_total(page, total)
                del page  # gone before the next request (harvester/walk.py)
                if got >= sub.share:
                    unfinished.append(walk)
                    break
        for walk in unfinished:
            for request, page in walk:
                yield request, self._with_total(page, total)

    @staticmethod
    def _with_total(page: Page, seen: list[int]) -> Page:
        if page.total is not None:
            seen.append(page.total)
        return replace(page, total=max(seen)) if seen else page

    def since_params(self, since: date) -> dict[str, str]:
        return {"filter": f"from-index-date:{since.isoformat()}"}

    def api_error(self, body: bytes) -> str | None:
        if not body.lstrip().startswith(b"{"):
            return short_text_error(body)
        data = self.load_json(body)
        if data.get("status") != "failed":
            return None
        parts = [m.get("message", "") for m in data.get("message") or [] if isinstance(m, dict)]
        return "; ".join(p.strip() for p in parts if p) or str(data.get("message-type"))

    def source_id(self, raw: Any) -> str:
        return str(raw["DOI"]).lower()

    def updated_at(self, raw: Any) -> str | None:
        value = dig(raw, ("indexed", "date-time"))
        return str(value) if value else None

    def to_work(self, raw: Any) -> Work:
        # Fields are read and checked in the order they always were, so that a record of an
        # unexpected shape fails with the same error as before.
        get = raw.get  # one lookup of the method for the thirty fields read below
        title = clean_title(first(get("title")))
        subtitle = get("subtitle")
        if subtitle:  # most records have none
            subtitle = clean_title(first(subtitle))
            if title and subtitle and subtitle.lower() not in title.lower():
                title = f"{title}: {subtitle}"
        issued = _issued(raw)
        updated_by = get("updated-by")
        updates = [u.get("type") for u in updated_by if isinstance(u, dict)] if updated_by else []
        update_to = get("update-to")
        # A retraction notice points at the article it retracts.
        retracts = (
            (
                normalize_doi(u.get("DOI"))
                for u in update_to
                if isinstance(u, dict) and u.get("type") in RETRACTION_TYPES
            )
            if update_to
            else None
        )
        isbns = get("ISBN") or []
        issns = get("ISSN")
        return Work(
            source=self.instance,
            source_id=self.source_id(raw),
            title=title,
            authors=_authors(get("author")),
            year=parse_year(issued[0]) if issued else None,
            doi=normalize_doi(get("DOI")),
            venue=clean_text(first(get("container-title"))),
            abstract=clean_abstract(get("abstract")),
            type=get("type"),
            language=get("language"),
            url=get("URL"),
            volume=get("volume"),
            issue=get("issue"),
            pages=get("page"),
            issn=tuple(filter(None, map(normalize_issn, issns))) if issns else (),
            keywords=strings(get("subject") or []),
            other_titles=_other_titles(get("original-title"), get("short-title")),
            published=date_parts_iso(issued),
            updated=self.updated_at(raw),
            retracted=bool(RETRACTION_TYPES & set(updates)) if updates else False,
            retracts=tuple(sorted({d for d in retracts if d})) if retracts is not None else (),
            ids={"isbn": isbns[0]} if isbns else {},
        )


def _issued(raw: Any) -> Any:
    """The first date parts that have a year, from the most to the least preferred date."""
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (raw.get(key) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0] is not None:
            return parts[0]
    return None


def _authors(authors: Any) -> tuple[str, ...]:
    names = []
    for a in authors or []:
        name = person(a.get("family"), a.get("given"), a.get("name"))
        if name:
            names.append(name)
    return tuple(names)


def _other_titles(original: Any, short: Any) -> tuple[str, ...]:
    if not original and not short:  # most records have neither
        return ()
    return strings([*(original or []), *(short or [])])
