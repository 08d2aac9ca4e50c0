"""Every API's query syntax, declared once in the core; connectors name theirs.

    class PubMed(Connector):
        dialect = PUBMED

`DIALECTS` lists them by name (docs/query-language.md describes each).
"""

from harvester.query.dialects.base import BooleanDialect, Dialect, YearRange
from harvester.query.dialects.fielded import (
    ARXIV,
    DATACITE,
    DOAJ,
    EUROPE_PMC,
    PUBMED,
    SEMANTIC_SCHOLAR,
)
from harvester.query.dialects.openalex import OpenAlexDialect
from harvester.query.dialects.unfielded import BagOfWordsDialect, NoSearchDialect

OPENALEX = OpenAlexDialect()
CROSSREF = BagOfWordsDialect()
OAI_PMH = NoSearchDialect()

DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        PUBMED,
        EUROPE_PMC,
        OPENALEX,
        ARXIV,
        DOAJ,
        SEMANTIC_SCHOLAR,
        DATACITE,
        CROSSREF,
        OAI_PMH,
    )
}

__all__ = [
    "ARXIV",
    "CROSSREF",
    "DATACITE",
    "DIALECTS",
    "DOAJ",
    "EUROPE_PMC",
    "OAI_PMH",
    "OPENALEX",
    "PUBMED",
    "SEMANTIC_SCHOLAR",
    "BagOfWordsDialect",
    "BooleanDialect",
    "Dialect",
    "NoSearchDialect",
    "OpenAlexDialect",
    "YearRange",
]
