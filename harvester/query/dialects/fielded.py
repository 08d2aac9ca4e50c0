"""The APIs with fielded Boolean search, each declared as data and checked against its docs.

Sources for every declaration (the tests quote the same syntax):
* PubMed: NCBI PubMed help, search field tags: [ti] title, [tiab] title/abstract (which also
  holds author keywords), [ot] other term (author keywords); no abstract-only tag; Boolean
  operators in capitals, read left to right; `*` truncates; `2010:2026[dp]` publication dates;
  `all[sb]` is every record. NOT is binary (`a NOT b`).
* Europe PMC: REST search syntax: TITLE:, ABSTRACT:, TITLE_ABS:, KW:, AND/OR/NOT, `*`,
  PUB_YEAR:[2010 TO 2026] (3000 is its open end).
* arXiv API user manual: ti:, abs:, AND, OR, ANDNOT (no leading NOT), quotes for phrases;
  submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]. Trailing `*` works on words (observed by
  third-party clients; not in the manual); nothing searches keywords.
* DOAJ API: Elasticsearch query string (in the URL path): bibjson.title:, bibjson.abstract:,
  bibjson.keywords:, bibjson.year:[2010 TO 2026], AND/OR/NOT, `*`.
* DataCite REST API (support.datacite.org, "Queries and filtering"): Elasticsearch query
  string on titles.title, descriptions.description, subjects.subject; AND/OR/NOT; wildcards;
  publicationYear:[2010 TO *].
* Semantic Scholar /paper/search/bulk: matched against title and abstract, English stemming;
  `+`/whitespace AND, `|` OR, `-` negates, "phrase", `*` prefix, ( ) precedence; `year=2010-2026`.
"""

from __future__ import annotations

from harvester.query.dialects.base import BooleanDialect, YearRange
from harvester.query.nodes import ABSTRACT, KEYWORDS, TITLE, TITLE_ABSTRACT
from harvester.query.relax import Capabilities, Target

_T, _A, _K = frozenset({TITLE}), frozenset({ABSTRACT}), frozenset({KEYWORDS})
_TAK = frozenset({TITLE, ABSTRACT, KEYWORDS})

PUBMED = BooleanDialect(
    name="pubmed",
    title="PubMed",
    param="term",
    caps=Capabilities(
        targets={_T: Target("{}[ti]"), _TAK: Target("{}[tiab]"), _K: Target("{}[ot]")},
        universe="all[sb]",
    ),
    years=YearRange("{start}:{end}[dp]", open_start="1000", open_end="3000"),
)

EUROPE_PMC = BooleanDialect(
    name="europepmc",
    title="Europe PMC",
    param="query",
    caps=Capabilities(
        targets={
            _T: Target("TITLE:{}"),
            _A: Target("ABSTRACT:{}"),
            TITLE_ABSTRACT: Target("TITLE_ABS:{}"),
            _K: Target("KW:{}"),
        },
    ),
    not_=" AND NOT ",
    years=YearRange("PUB_YEAR:[{start} TO {end}]", open_start="1000", open_end="3000"),
)

ARXIV = BooleanDialect(
    name="arxiv",
    title="arXiv",
    param="search_query",
    caps=Capabilities(targets={_T: Target("ti:{}"), _A: Target("abs:{}")}),
    not_=" ANDNOT ",
    years=YearRange(
        "submittedDate:[{start}01010000 TO {end}12312359]", open_start="1991", open_end="9999"
    ),
)

DOAJ = BooleanDialect(
    name="doaj",
    title="DOAJ",
    param="query",  # the DOAJ connector puts it into the URL path: /search/articles/{query}
    caps=Capabilities(
        targets={
            _T: Target("bibjson.title:{}"),
            _A: Target("bibjson.abstract:{}"),
            _K: Target("bibjson.keywords:{}"),
        },
        universe="*:*",
    ),
    not_=" AND NOT ",
    years=YearRange("bibjson.year:[{start} TO {end}]"),
)

DATACITE = BooleanDialect(
    name="datacite",
    title="DataCite",
    param="query",
    caps=Capabilities(
        targets={
            _T: Target("titles.title:{}"),
            _A: Target(
                "descriptions.description:{}",
                note="DataCite's descriptions hold methods and other notes besides the "
                "abstract, so abstract terms can match more than the abstract",
            ),
            _K: Target("subjects.subject:{}"),
        },
        universe="*:*",
    ),
    not_=" AND NOT ",
    years=YearRange("publicationYear:[{start} TO {end}]"),
)

SEMANTIC_SCHOLAR = BooleanDialect(
    name="semanticscholar",
    title="Semantic Scholar",
    param="query",
    caps=Capabilities(targets={TITLE_ABSTRACT: Target("{}")}, negation="minus"),
    and_=" ",
    or_=" | ",
    years=YearRange("{start}-{end}", open_start="", open_end="", param="year"),
    loose="Semantic Scholar stems English words (services also finds service), so it can "
    "return more than the strategy asks for",
)
