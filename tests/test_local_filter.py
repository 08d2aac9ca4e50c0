"""The local filter: the strategy as written, on title, abstract and keywords of one record."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.normalize import fold
from harvester.query import Query
from harvester.query.local_filter import filter_key, local_filter
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
from harvester.work import Work


def work(
    title: str | None = None,
    abstract: str | None = None,
    keywords: tuple[str, ...] = (),
    other_titles: tuple[str, ...] = (),
    year: int | None = None,
) -> Work:
    return Work(
        "t",
        "1",
        title=title,
        abstract=abstract,
        keywords=keywords,
        other_titles=other_titles,
        year=year,
    )


def matches(text: str, record: Work, years: tuple[int | None, int | None] = (None, None)) -> bool:
    return local_filter(Query(text, *years))(record)


def test_case_and_accents_do_not_matter() -> None:
    record = work("Perízinan Online di KABUPATEN Bandung, Indonésia")
    assert matches('"perizinan online" AND kabupaten AND indonesia', record)
    assert matches("PERÍZINAN", record)


def test_phrases_match_whole_words_in_order_across_punctuation() -> None:
    record = work("One-stop services: the e-licensing of kota permits")
    assert matches('"one stop service*"', record)
    assert matches('"one-stop services"', record)
    assert matches('"e licensing"', record)
    assert not matches('"one-stop service"', record)  # "services" needs truncation
    assert not matches('"stop one"', record)
    # Hyphens separate words, as in the APIs' own analyzers: e-licensing holds "licensing".
    assert matches("licens*", record)
    assert matches("licensing", record)
    assert not matches("kot", record)  # no match inside a word
    assert matches("kot*", record)


def test_truncation_inside_a_phrase_applies_to_its_word() -> None:
    record = work(abstract="Electronic licences for local governments in Java")
    assert matches('"electronic licen*" AND "local government*"', record)
    assert not matches('"electronic licen* java"', record)


def test_fields_are_kept_apart_and_other_titles_count_as_titles() -> None:
    record = work(
        "Layanan izin daring",
        abstract="A study of municipal permits",
        keywords=("e-government", "public service"),
        other_titles=("Online licensing services",),
    )
    assert matches("title:licensing", record)  # the English title of an Indonesian article
    assert matches("licensing[tiab]", record)
    assert not matches("abstract:licensing", record)
    assert matches("municipal[ab]", record)
    assert not matches("municipal[ti]", record)
    assert matches('"public service"[kw]', record)
    assert not matches('"public service"', record)  # title and abstract by default
    assert matches('"public service"[tw]', record)
    # A phrase never spans two keywords or two titles.
    assert not matches('"e government public"[kw]', record)
    assert not matches('"daring online"[ti]', record)


def test_not_and_nested_groups() -> None:
    record = work("Perizinan online di kota Bandung")
    assert matches("(perizinan OR izin) AND NOT (kabupaten OR desa)", record)
    assert not matches("perizinan NOT (kota OR desa)", record)
    assert matches("NOT desa", record)


def test_years_outside_the_range_fail_and_missing_years_pass() -> None:
    assert not matches("kota", work("kota", year=2009), (2010, 2026))
    assert matches("kota", work("kota", year=2010), (2010, 2026))
    assert not matches("kota", work("kota", year=2027), (2010, 2026))
    assert matches("kota", work("kota"), (2010, 2026))


def test_markup_is_stripped_before_matching() -> None:
    assert matches('"one-stop service"', work(abstract="<jats:p>One-stop <i>service</i></jats:p>"))


# ---- the filter against a straightforward reference evaluator -------------------------------

QUERY_WORDS = ["kota", "perizinan", "licens", "service", "one", "stop", "indonesia", "strasse", "e"]
TEXT_WORDS = [
    "kota",
    "KOTA",
    "Kotamadya",
    "perizinan",
    "Perízinan",
    "licensing",
    "licens",
    "LICENSE",
    "service",
    "Services",
    "one",
    "One-Stop",
    "stop",
    "Indonésia",
    "Indonesian",
    "Straße",
    "strasse",
    "e",
    "e-licensing",
    "desa",
]
SEPARATORS = [" ", "  ", "-", ", ", ". ", " (", ") ", "_", "/", ": "]
FIELD_SETS = [
    DEFAULT_FIELDS,
    frozenset({TITLE}),
    frozenset({ABSTRACT}),
    frozenset({KEYWORDS}),
    ALL_FIELDS,
]

terms = st.builds(
    lambda words, stars, fields: Term(tuple(words), tuple(stars[: len(words)]), fields),
    st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.sampled_from(FIELD_SETS),
)
trees: st.SearchStrategy[Node] = st.recursive(
    terms,
    lambda inner: st.one_of(
        st.builds(lambda c: And(tuple(c)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda c: Or(tuple(c)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=8,
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(TEXT_WORDS), min_size=0, max_size=8))
    out = ""
    for word in words:
        out += word + draw(st.sampled_from(SEPARATORS))
    return out


records = st.builds(
    work,
    title=st.one_of(st.none(), texts()),
    abstract=st.one_of(st.none(), texts()),
    keywords=st.lists(texts(), max_size=3).map(tuple),
    other_titles=st.lists(texts(), max_size=2).map(tuple),
)


def reference_term(term: Term, record: Work) -> bool:
    """A regular expression over the folded field text, word boundaries on both sides."""
    pieces = []
    for word, truncated in zip(term.words, term.truncated, strict=True):
        parts = re.findall(r"[^\W_]+", fold(word))
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            pieces.append(re.escape(part) + (r"[^\W_]*" if truncated and last else ""))
    pattern = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(pieces) + r"(?![^\W_])")
    texts: list[str | None] = []
    if TITLE in term.fields:
        texts += [record.title, *record.other_titles]
    if ABSTRACT in term.fields:
        texts.append(record.abstract)
    if KEYWORDS in term.fields:
        texts += record.keywords
    return any(pattern.search(fold(text)) for text in texts if text)


def reference(node: Node, record: Work) -> bool:
    if isinstance(node, Term):
        return reference_term(node, record)
    if isinstance(node, Not):
        return not reference(node.child, record)
    if isinstance(node, And):
        return all(reference(c, record) for c in node.children)
    assert isinstance(node, Or)
    return any(reference(c, record) for c in node.children)


@settings(max_examples=250)
@given(trees, st.lists(records, min_size=1, max_size=4))
def test_the_filter_agrees_with_a_reference_evaluator(tree: Node, batch: list[Work]) -> None:
    # The tree goes through the query text, so this also checks parsing what to_text writes.
    keep = local_filter(Query(to_text(tree)))
    for record in batch:
        assert keep(record) == reference(tree, record), (to_text(tree), record)


TRICKY = ["e", "I", "s", "\u0301", "\u0307", "\u030c", "Σ", "ß", "İ", "ǰ", "\u212a", "ﬁ", "Ⅱ", " "]


@settings(max_examples=500)
@given(st.one_of(st.text(), st.text(alphabet=st.sampled_from(TRICKY))))
def test_folding_by_runs_equals_folding_the_whole_text(text: str) -> None:
    from harvester.normalize import strip_markup
    from harvester.query.local_filter import words

    assert words(text) == tuple(re.findall(r"[^\W_]+", fold(strip_markup(text))))


def test_a_verdict_is_keyed_by_the_strategy_and_its_years() -> None:
    key = filter_key(Query("widget* OR citation*", 2010, 2020))
    assert key == filter_key(Query("widget* OR citation*", 2010, 2020))
    others = (
        Query("widget* OR citation*", 2010, 2021),
        Query("widget* OR citation*"),
        Query("widget* NOT citation*", 2010, 2020),
    )
    assert key not in {filter_key(q) for q in others}
