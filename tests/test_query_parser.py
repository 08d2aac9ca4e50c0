"""Reading strategies: the syntax reviewers write for PubMed/Ovid, and one clear error each."""

from __future__ import annotations

import pytest

from harvester.errors import ConfigError
from harvester.query import Query
from harvester.query.nodes import (
    ABSTRACT,
    ALL_FIELDS,
    DEFAULT_FIELDS,
    KEYWORDS,
    TITLE,
    And,
    Node,
    Not,
    Or,
    Term,
    to_text,
)
from harvester.query.parser import QuerySyntaxError, parse
from tests.conftest import ROOT

T, A, K = frozenset({TITLE}), frozenset({ABSTRACT}), frozenset({KEYWORDS})


def term(*words: str, fields: frozenset[str] = DEFAULT_FIELDS) -> Term:
    return Term(tuple(w.rstrip("*") for w in words), tuple(w.endswith("*") for w in words), fields)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("licens*", term("licens*")),
        ('"one-stop service*"', term("one-stop", "service*")),
        ("a AND b AND c", And((term("a"), term("b"), term("c")))),
        ("(a OR b) AND c", And((Or((term("a"), term("b"))), term("c")))),
        (
            "a AND (b OR (c AND NOT d))",
            And((term("a"), Or((term("b"), And((term("c"), Not(term("d")))))))),
        ),
        ("a NOT b", And((term("a"), Not(term("b"))))),
        ("NOT a", Not(term("a"))),
        ("PTSP[tiab]", term("PTSP")),
        ("PTSP [ti]", term("PTSP", fields=T)),
        ('"case report"[ot]', term("case", "report", fields=K)),
        ("kota[KW]", term("kota", fields=K)),
        ("kota[tw]", term("kota", fields=ALL_FIELDS)),
        ("title:kota", term("kota", fields=T)),
        ('keywords:"e government"', term("e", "government", fields=K)),
        (
            "abstract:(izin OR title:licens*)",
            Or((term("izin", fields=A), term("licens*", fields=T))),
        ),
        ("(izin OR kota)[ti]", Or((term("izin", fields=T), term("kota", fields=T)))),
        ("Ti: kota", term("kota", fields=T)),
        ("pemerintah AND daerah", And((term("pemerintah"), term("daerah")))),
    ],
)
def test_strategies_parse_into_the_tree_they_mean(text: str, tree: Node) -> None:
    assert parse(text) == tree


def test_the_bundled_review_parses_with_english_and_indonesian_synonyms() -> None:
    text = (ROOT / "config" / "reviews" / "egov-oss.toml").read_text(encoding="utf-8")
    ast = Query(text.split("'''")[1]).ast
    assert isinstance(ast, And) and len(ast.children) == 3
    synonyms = ast.children[0]
    assert isinstance(synonyms, Or)
    assert term("pelayanan", "terpadu", "satu", "pintu") in synonyms.children
    assert term("online", "licens*") in synonyms.children
    assert ast.children[2] == term("Indonesia*")


@pytest.mark.parametrize(
    "text",
    [
        '("one-stop service*" OR PTSP) AND title:(licens* OR izin) NOT keywords:"case report"',
        "a OR (b AND NOT (c OR d[tw]))",
        'abstract:"x y*" AND NOT title:z',
    ],
)
def test_written_back_the_strategy_reads_the_same(text: str) -> None:
    tree = parse(text)
    assert parse(to_text(tree)) == tree


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("a AND b OR c", 9, "AND (or NOT) and OR at one level"),
        ("a OR b NOT c", 8, "AND (or NOT) and OR at one level"),
        ("(a OR b", 1, "this bracket is never closed"),
        ("a OR b)", 7, "closing bracket without an opening one"),
        ('"open access', 1, "this quote is never closed"),
        ("a AND", 3, "AND needs a term after it"),
        ("OR a", 1, "OR needs a term before it"),
        ("heart attack", 7, "follows another term without AND, OR or NOT"),
        ("kota and kabupaten", 6, "'and' is read as a word: write AND in capitals"),
        ("lic*ense", 4, "* truncates the end of a word"),
        ("wom?n", 4, "? wildcards are not supported"),
        ("kota[dp]", 5, "unknown field tag [dp] (publication years go in [query] years)"),
        ("kota[mh]", 5, "unknown field tag [mh]"),
        ("author:smith", 1, "unknown field author:"),
        ("title: AND b", 8, "title: needs a word, phrase or bracket after it"),
        ("a AND ()", 8, "expected a word, phrase or bracket, found ')'"),
        ('a OR ""', 6, "empty phrase"),
        ("a OR *", 6, "'*' has no letters or digits"),
        ("title:x[ab]", 8, "a field prefix and a field tag on the same term"),
        ("x ] y", 3, "] without an opening ["),
    ],
)
def test_a_malformed_strategy_is_one_error_at_its_column(
    text: str, column: int, message: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert caught.value.column == column
    assert message in caught.value.message
    assert isinstance(caught.value, ConfigError)
    assert caught.value.problems == [f"query: column {column}: {caught.value.message}"]


def test_errors_in_a_multi_line_strategy_name_the_line_within_it() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse("(a OR b)\nAND (c OR\n  d e)")
    assert (caught.value.line, caught.value.column) == (3, 5)
    assert caught.value.where == "line 3, column 5"


def test_query_stays_a_frozen_value_with_its_old_fields() -> None:
    text = '"one-stop service" OR perizinan'
    query = Query(text, 2010, 2024)
    assert (query.text, query.year_from, query.year_to) == (text, 2010, 2024)
    assert query == Query(query.text, 2010, 2024)
    assert hash(query) == hash(Query(query.text, 2010, 2024))
    with pytest.raises(AttributeError):
        query.text = "x"  # type: ignore[misc]


def test_terms_drop_operators_fields_and_truncation_and_positive_terms_drop_exclusions() -> None:
    query = Query('("one-stop service*" OR PTSP[tiab]) AND title:izin NOT keywords:"case report"')
    assert query.terms() == ["one-stop service", "PTSP", "izin", "case report"]
    assert query.positive_terms() == ["one-stop service", "PTSP", "izin"]


def test_an_unreadable_strategy_fails_only_when_its_tree_is_needed() -> None:
    query = Query("a AND (b")
    assert query.text == "a AND (b"
    with pytest.raises(QuerySyntaxError, match="column 7"):
        _ = query.ast
