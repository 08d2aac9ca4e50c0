"""Each API's translation, checked against the syntax its documentation gives.

The expected strings below are what harvester sends; the comment above each names the
documented syntax it relies on. A property test checks the promise behind every translation:
what is sent asks for at least the records the strategy matches (unless a note says records
may be missed), so the local filter can restore the exact strategy.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from harvester.query import Query
from harvester.query.dialects import (
    ARXIV,
    CROSSREF,
    DATACITE,
    DIALECTS,
    DOAJ,
    EUROPE_PMC,
    OAI_PMH,
    OPENALEX,
    PUBMED,
    SEMANTIC_SCHOLAR,
    BooleanDialect,
)
from harvester.query.dialects.base import UntranslatableQuery
from harvester.query.local_filter import RecordText, compile_node
from harvester.query.nodes import Node
from harvester.query.relax import relax
from harvester.work import Work
from tests.test_local_filter import records, trees

STRATEGY = '("one-stop service*" OR PTSP) AND title:licens* NOT kota[ab]'


def sent(
    dialect_name: str, text: str = STRATEGY, years: tuple[int | None, int | None] = (2010, 2026)
) -> dict[str, str]:
    return dict(DIALECTS[dialect_name].translate(Query(text, *years)).params)


def test_pubmed_uses_field_tags_and_a_publication_date_range() -> None:
    # PubMed help: term[ti] title, term[tiab] title/abstract (with author keywords),
    # term[ot] other term; "quoted phrase"[tiab]; trailing * truncates; Boolean operators in
    # capitals, binary NOT; 2010:2026[dp] publication date. No abstract-only tag exists, so
    # the exclusion NOT kota[ab] cannot be sent (it is left to the local filter).
    assert sent("pubmed") == {
        "term": '((("one-stop"[tiab] AND service*[tiab]) OR PTSP[tiab]) AND licens*[ti])'
        " AND 2010:2026[dp]"
    }
    assert sent("pubmed", '"e-government"[ot] OR izin[ti]', (2015, None)) == {
        "term": '("e-government"[ot] OR izin[ti]) AND 2015:3000[dp]'
    }
    # all[sb] ("all records" subset) lets PubMed's binary NOT stand alone.
    assert sent("pubmed", "izin[ti] OR NOT kota[ti]", (None, None)) == {
        "term": "izin[ti] OR (all[sb] NOT kota[ti])"
    }


def test_europe_pmc_uses_its_field_names_and_pub_year() -> None:
    # Europe PMC search syntax: TITLE:, ABSTRACT:, TITLE_ABS:, KW:, AND / OR / NOT,
    # PUB_YEAR:[2010 TO 2026] (3000 stands for "up to now").
    assert sent("europepmc") == {
        "query": '((((TITLE_ABS:"one-stop" AND TITLE_ABS:service*) OR TITLE_ABS:PTSP)'
        " AND TITLE:licens*) AND NOT ABSTRACT:kota) AND PUB_YEAR:[2010 TO 2026]"
    }
    assert sent("europepmc", "keywords:x AND y", (2015, None)) == {
        "query": "(KW:x AND TITLE_ABS:y) AND PUB_YEAR:[2015 TO 3000]"
    }


def test_openalex_puts_each_field_in_its_search_filter() -> None:
    # OpenAlex: filter=title_and_abstract.search:/title.search:/abstract.search: with AND, OR,
    # NOT, parentheses and quotes; filters joined by commas; from_/to_publication_date.
    assert sent("openalex") == {
        "filter": 'title_and_abstract.search:("one-stop" AND service*) OR PTSP,'
        "title.search:licens*,from_publication_date:2010-01-01,to_publication_date:2026-12-31"
    }
    assert sent("openalex", 'izin AND NOT "izin usaha, online"', (None, None)) == {
        "filter": 'title_and_abstract.search:izin NOT "izin usaha  online"'
    }


def test_arxiv_uses_ti_abs_and_andnot() -> None:
    # arXiv API user manual: ti:, abs:, AND, OR, ANDNOT, "quoted phrases", parentheses;
    # submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]. No field for title-or-abstract: (ti OR abs).
    assert sent("arxiv") == {
        "search_query": '(((((ti:"one-stop" OR abs:"one-stop") AND (ti:service* OR abs:service*))'
        " OR ti:PTSP OR abs:PTSP) AND ti:licens*) ANDNOT abs:kota)"
        " AND submittedDate:[201001010000 TO 202612312359]"
    }


def test_doaj_uses_bibjson_fields_and_a_year_range() -> None:
    # DOAJ API: Elasticsearch query string (sent in the URL path) on bibjson.title,
    # bibjson.abstract, bibjson.keywords; bibjson.year:[2010 TO 2026]; open end *.
    assert sent("doaj", "title:izin AND keywords:Kota* NOT abstract:desa", (2018, None)) == {
        "query": "((bibjson.title:izin AND bibjson.keywords:kota*) AND NOT bibjson.abstract:desa)"
        " AND bibjson.year:[2018 TO *]"
    }


def test_datacite_uses_titles_descriptions_and_subjects() -> None:
    # DataCite REST API: query= Elasticsearch query string; titles.title,
    # descriptions.description, subjects.subject; AND/OR/NOT; publicationYear:[2010 TO *].
    assert sent("datacite", "title:izin OR keywords:kota", (2010, None)) == {
        "query": "(titles.title:izin OR subjects.subject:kota) AND publicationYear:[2010 TO *]"
    }


def test_semantic_scholar_bulk_syntax_and_year_parameter() -> None:
    # /paper/search/bulk: whitespace = AND, | = OR, -term negates, "phrase", prefix*,
    # (precedence); matched against title and abstract; year=2010-2026.
    assert sent("semanticscholar", '(izin OR "perizinan online") AND NOT (kota OR desa)') == {
        "query": '(izin | "perizinan online") -kota -desa',
        "year": "2010-2026",
    }
    assert sent("semanticscholar", "izin", (2015, None)) == {"query": "izin", "year": "2015-"}


def test_crossref_gets_the_positive_words_and_publication_date_filters() -> None:
    # Crossref REST API: query.bibliographic (no Boolean), filter=from-pub-date:,until-pub-date:.
    assert sent("crossref") == {
        "query.bibliographic": "one-stop service PTSP licens",
        "filter": "from-pub-date:2010,until-pub-date:2026",
    }


def test_oai_pmh_sends_no_search_and_filters_everything_locally() -> None:
    translation = OAI_PMH.translate(Query(STRATEGY, 2010, 2026))
    assert translation.params == {} and not translation.exact
    assert "has no search" in translation.notes[0]


def test_exact_only_when_the_api_can_express_the_strategy_exactly() -> None:
    plain = Query('izin AND "perizinan online"', 2015)
    assert EUROPE_PMC.translate(plain).exact
    assert ARXIV.translate(plain).exact
    assert DOAJ.translate(plain).exact
    assert PUBMED.translate(Query("izin[ti] NOT kota[ot]")).exact
    # [tiab] also holds author keywords; OpenAlex and Semantic Scholar stem; DataCite's
    # descriptions hold more than abstracts; Crossref and OAI-PMH cannot search Booleans.
    for dialect in (PUBMED, OPENALEX, SEMANTIC_SCHOLAR, DATACITE, CROSSREF, OAI_PMH):
        translation = dialect.translate(plain)
        assert not translation.exact and translation.notes, dialect.name


def test_notes_name_what_was_approximated() -> None:
    notes = PUBMED.translate(Query(STRATEGY)).notes
    assert any('"one-stop service*" as "one-stop" AND service*' in n for n in notes)
    assert any("cannot search abstract" in n and "kota" in n for n in notes)
    notes = OPENALEX.translate(Query(STRATEGY)).notes
    assert any("disagrees on truncation" in n for n in notes)


def test_a_strategy_a_source_cannot_search_at_all_is_a_config_error() -> None:
    with pytest.raises(UntranslatableQuery, match="arXiv cannot search any part"):
        ARXIV.translate(Query("keywords:kota OR title:izin"))
    with pytest.raises(UntranslatableQuery, match="give this source its own query"):
        OPENALEX.translate(Query("keywords:kota"))


def test_every_dialect_is_listed_by_name() -> None:
    assert set(DIALECTS) == {
        "pubmed",
        "europepmc",
        "openalex",
        "arxiv",
        "doaj",
        "semanticscholar",
        "datacite",
        "crossref",
        "oai-pmh",
    }


FIELDED = [PUBMED, EUROPE_PMC, ARXIV, DOAJ, DATACITE, SEMANTIC_SCHOLAR]


@pytest.mark.parametrize("dialect", FIELDED, ids=lambda d: d.name)
@settings(max_examples=100)
@given(tree=trees, batch=st.lists(records, min_size=1, max_size=4))
def test_what_is_sent_asks_for_at_least_the_strategy(
    dialect: BooleanDialect, tree: Node, batch: list[Work]
) -> None:
    fitted = relax(tree, dialect.caps, dialect.title)
    assume(not any("may be missed" in note for note in fitted.notes))
    strategy, request = compile_node(tree), compile_node(fitted.node)
    for record in batch:
        text = RecordText.of(record)
        if strategy(text):
            assert request(text), (fitted.node, record)


def test_the_query_language_doc_names_every_dialect_and_field_tag() -> None:
    from harvester.query.parser import PREFIXES, TAGS
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "query-language.md").read_text(encoding="utf-8")
    for name in DIALECTS:
        assert f"(`{name}`)" in doc, name
    for tag in TAGS:
        assert f"[{tag}]" in doc, tag
    for prefix in PREFIXES:
        assert f"`{prefix}:" in doc, prefix


def test_an_api_without_truncation_gets_the_stem_and_a_warning() -> None:
    from harvester.query.nodes import TITLE_ABSTRACT
    from harvester.query.parser import parse
    from harvester.query.relax import Capabilities, Target

    caps = Capabilities(targets={TITLE_ABSTRACT: Target("{}")}, wildcard=False)
    fitted = relax(parse('"online licens*" OR izin'), caps, "Plain")
    assert fitted.node == parse("(online AND licens) OR izin")
    assert fitted.notes == [
        "Plain cannot truncate inside a phrase, so these phrases are sent as their words ANDed: "
        '"online licens*" as online AND licens*',
        "Plain has no truncation, so these stems are sent as whole words and records using only "
        "longer forms may be missed: licens*",
    ]
