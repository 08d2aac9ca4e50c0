"""Sources without Boolean search: Crossref (a bag of words) and OAI-PMH (no search at all)."""

from __future__ import annotations

from dataclasses import dataclass

from harvester.query.dialects.base import UntranslatableQuery
from harvester.query.model import Query, Translation


@dataclass(frozen=True)
class BagOfWordsDialect:
    """Crossref: `query.bibliographic` ranks records by any of the words (no AND, OR, NOT,
    phrases or truncation; documented in the Crossref REST API docs), so it gets every word a
    matching record may contain, and the years as `from-pub-date` / `until-pub-date` filters.
    """

    name: str = "crossref"
    title: str = "Crossref"
    param: str = "query.bibliographic"

    def translate(self, query: Query) -> Translation:
        words = query.positive_terms()
        if not words:
            raise UntranslatableQuery(self.title, ["it has no term a record must contain"])
        params = {self.param: " ".join(words)}
        years = []
        if query.year_from:
            years.append(f"from-pub-date:{query.year_from}")
        if query.year_to:
            years.append(f"until-pub-date:{query.year_to}")
        if years:
            params["filter"] = ",".join(years)
        note = (
            f"{self.title} has no Boolean search: every word of the strategy (none from NOT "
            f"parts, truncation removed) is sent as one broad {self.param}, which returns "
            "records containing any of them"
        )
        return Translation(params, (note,), exact=False)


@dataclass(frozen=True)
class NoSearchDialect:
    """OAI-PMH: no search; a harvest asks for every record changed since the last one."""

    name: str = "oai-pmh"
    title: str = "OAI-PMH"

    def translate(self, query: Query) -> Translation:
        note = (
            f"{self.title} has no search: every record the repository changed since the last "
            "harvest is fetched, and the years are checked locally"
        )
        return Translation({}, (note,), exact=False)
