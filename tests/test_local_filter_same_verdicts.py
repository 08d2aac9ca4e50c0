"""The local filter gives the verdicts it gave before it searched folded text directly.

The reference below is the filter as it was (commit 0525320, harvester/query/local_filter.py):
every field's words found one by one and joined by spaces, each term a regular expression over
that spaced text. The filter in the package must agree with it on every query and record.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.normalize import fold, strip_markup
from harvester.query import Query
from harvester.query.local_filter import RecordText as FastText
from harvester.query.local_filter import compile_node, local_filter, words
from harvester.query.nodes import (
    ABSTRACT,
    ALL_FIELDS,
    DEFAULT_FIELDS,
    FALSE,
    KEYWORDS,
    TITLE,
    TRUE,
    And,
    Fields,
    Node,
    Not,
    Or,
    Term,
    to_text,
)
from harvester.work import Work

# ---- the reference: the filter before (verbatim but for names) -------------------------------

_WORD = re.compile(r"[^\W_]+")
_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def old_words(text: str | None) -> tuple[str, ...]:
    plain = strip_markup(text)
    folded = plain.lower() if plain.isascii() else _RUNS.sub(_old_fold_run, plain)
    return tuple(_WORD.findall(folded))


def _old_fold_run(match: re.Match[str]) -> str:
    run = match.group()
    return run.lower() if run.isascii() else fold(run)


def _old_spaced(text: str | None) -> str:
    return f" {' '.join(old_words(text))} "


class OldText:
    def __init__(self, work: Work) -> None:
        self.work = work
        self._fields: dict[str, str] = {}
        self._sets: dict[Fields, str] = {}

    def text(self, fields: Fields) -> str:
        found = self._sets.get(fields)
        if found is None:
            found = self._sets[fields] = "\n".join(self.field(name) for name in sorted(fields))
        return found

    def field(self, name: str) -> str:
        found = self._fields.get(name)
        if found is None:
            work = self.work
            raw: tuple[str | None, ...]
            if name == TITLE:
                raw = (work.title, *work.other_titles)
            elif name == ABSTRACT:
                raw = (work.abstract,)
            else:
                raw = work.keywords
            found = self._fields[name] = "\n".join(_old_spaced(t) for t in raw if t)
        return found


def old_pattern(term: Term) -> str | None:
    parts: list[str] = []
    for word, truncated in zip(term.words, term.truncated, strict=True):
        found = [re.escape(w) for w in old_words(word)]
        if found and truncated:
            found[-1] += "[^ \n]*"
        parts.extend(found)
    return " " + " ".join(parts) + "(?= )" if parts else None


OldMatcher = Callable[[OldText], bool]


def old_compile(node: Node) -> OldMatcher:
    if isinstance(node, Term):
        return _old_terms(node.fields, [node])
    if isinstance(node, Not):
        inner = old_compile(node.child)
        return lambda record: not inner(record)
    if isinstance(node, And):
        parts = [old_compile(c) for c in node.children]
        return lambda record: all(part(record) for part in parts)
    if isinstance(node, Or):
        by_fields: dict[Fields, list[Term]] = {}
        options: list[OldMatcher] = []
        for child in node.children:
            if isinstance(child, Term):
                by_fields.setdefault(child.fields, []).append(child)
            else:
                options.append(old_compile(child))
        options[:0] = [_old_terms(f, terms) for f, terms in by_fields.items()]
        return lambda record: any(option(record) for option in options)
    value = node.value
    return lambda record: value


def _old_terms(fields: Fields, terms: list[Term]) -> OldMatcher:
    sources = [p for p in map(old_pattern, terms) if p is not None]
    if not sources:
        return lambda record: False
    regex = re.compile("|".join(f"(?:{s})" for s in sources))
    return lambda record: regex.search(record.text(fields)) is not None


def old_local_filter(query: Query) -> Callable[[Work], bool]:
    decide = old_compile(query.ast)

    def keep(work: Work) -> bool:
        year = work.year
        if year is not None:
            if query.year_from is not None and year < query.year_from:
                return False
            if query.year_to is not None and year > query.year_to:
                return False
        return decide(OldText(work))

    return keep


# ---- tricky queries and records ---------------------------------------------------------------

# Words of queries: hyphens, apostrophes, digits, accents, ligatures, letters whose case or
# compatibility forms fold to others, words that hold no letters at all.
QUERY_WORDS = [
    "study",
    "stud",
    "e",
    "one-stop",
    "one",
    "stop",
    "service",
    "children's",
    "o'brien",
    "covid-19",
    "19",
    "perízinan",
    "perizinan",
    "straße",
    "STRASSE",
    "ﬁsh",
    "fish",
    "σοφία",
    "ΣΟΦΙΑ",
    "İstanbul",
    "istanbul",
    "café",
    "cafe\u0301",
    "k\u212a",
    "Ⅱ",
    "ii",
    "x_y",
    "a.b",
    "-",
    "'",
    "中文",
    "smart\u00a0city",
    "re(view)",
]
# Pieces of record text: the words above and their neighbours, markup, entities (some
# escaped twice), odd whitespace, combining marks, underscores and punctuation.
TEXT_PIECES = [
    *QUERY_WORDS,
    "studies",
    "Study",
    "STUDY",
    "studying",
    "Services",
    "One-Stop",
    "children",
    "s",
    "Perízinan",
    "Indonésia",
    "straSSe",
    "ﬁshes",
    "σοφίας",
    "Σ",
    "ς",
    "İ",
    "\u0301",
    "\u0307",
    "<i>",
    "</i>",
    "<jats:p>",
    "</jats:p>",
    "<mml:math>one</mml:math>",
    "<script>study</script>",
    "<<b>b>",
    "<",
    ">",
    "&amp;",
    "&amp;nbsp;",
    "&eacute;",
    "&#233;",
    "&#x53;tudy",
    "&lt;i&gt;",
    "&",
    "&nbsp;",
    "\u00a0",
    "\u2003",
    "\u2028",
    "\x85",
    "\t",
    "\n",
    "_",
    "-",
    "'",
    "\u2019",
    "\u2013",
    "(",
    ")",
    "*",
    ".",
    "/",
]
SEPARATORS = ["", " ", "  ", "-", ", ", ". ", "_", "/", "\n", "<br/>", "&nbsp;", "\u00a0"]
FIELD_SETS: list[Fields] = [
    DEFAULT_FIELDS,
    frozenset({TITLE}),
    frozenset({ABSTRACT}),
    frozenset({KEYWORDS}),
    ALL_FIELDS,
    frozenset({TITLE, KEYWORDS}),  # these two the query language cannot write
    frozenset(),
]


@st.composite
def terms(draw: st.DrawFn, words_from: list[str]) -> Term:
    chosen = draw(st.lists(st.sampled_from(words_from), min_size=1, max_size=3))
    stars = draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
    return Term(tuple(chosen), tuple(stars), draw(st.sampled_from(FIELD_SETS)))


def trees(leaves: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda c: And(tuple(c)), st.lists(inner, min_size=2, max_size=4)),
            st.builds(lambda c: Or(tuple(c)), st.lists(inner, min_size=2, max_size=4)),
            st.builds(Not, inner),
        ),
        max_leaves=10,
    )


@st.composite
def texts(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:  # now and then any text at all
        return draw(st.text(max_size=40))
    pieces = draw(st.lists(st.sampled_from(TEXT_PIECES), max_size=10))
    return "".join(p + draw(st.sampled_from(SEPARATORS)) for p in pieces)


records = st.builds(
    lambda title, abstract, keywords, others, year: Work(
        "t",
        "1",
        title=title,
        abstract=abstract,
        keywords=keywords,
        other_titles=others,
        year=year,
    ),
    st.one_of(st.none(), st.just(""), texts()),
    st.one_of(st.none(), st.just(""), texts()),
    st.lists(texts(), max_size=3).map(tuple),
    st.lists(texts(), max_size=2).map(tuple),
    st.one_of(st.none(), st.integers(2005, 2025)),
)


# ---- the properties ---------------------------------------------------------------------------


@settings(max_examples=1500)
@given(
    trees(st.one_of(terms(QUERY_WORDS), st.sampled_from([TRUE, FALSE]))),
    st.lists(records, min_size=1, max_size=4),
)
def test_every_tree_judges_every_record_as_before(tree: Node, batch: list[Work]) -> None:
    new, old = compile_node(tree), old_compile(tree)
    for record in batch:
        assert new(FastText(record)) == old(OldText(record)), (tree, record)


# Words the query language writes and reads back unchanged (to_text quotes them as phrases).
PARSED_WORDS = [w for w in QUERY_WORDS if _WORD.fullmatch(w.replace("-", "").replace("'", ""))]


@settings(max_examples=500)
@given(
    trees(terms(PARSED_WORDS).filter(lambda t: t.fields in FIELD_SETS[:5])),
    st.lists(records, min_size=1, max_size=4),
    st.one_of(st.none(), st.integers(2005, 2025)),
    st.one_of(st.none(), st.integers(2005, 2025)),
)
def test_every_strategy_keeps_the_records_it_kept(
    tree: Node, batch: list[Work], year_from: int | None, year_to: int | None
) -> None:
    query = Query(to_text(tree), year_from, year_to)
    new, old = local_filter(query), old_local_filter(query)
    for record in batch:
        assert new(record) == old(record), (query, record)


@settings(max_examples=1000)
@given(st.one_of(texts(), st.text()))
def test_words_are_found_as_before(text: str) -> None:
    assert words(text) == old_words(text)


def test_the_reference_sees_what_the_filter_sees_on_a_made_up_record() -> None:
    record = Work(
        "t",
        "1",
        title="Children&#8217;s <i>one-stop</i> Services in İstanbul",
        abstract="<jats:p>A ﬁsh study &amp;nbsp;of Straße</jats:p>",
        keywords=("covid-19", "smart\u00a0city"),
    )
    for text in (
        '"children s" AND "one stop service*" AND istanbul',
        'fish AND strasse AND "covid 19"[kw] AND "smart city"[kw]',
        "nbsp OR amp OR jats OR stud",
    ):
        query = Query(text)
        assert local_filter(query)(record) == old_local_filter(query)(record)
    assert local_filter(Query('"children s" AND fish AND "smart city"[kw]'))(record)
    assert not local_filter(Query("nbsp OR amp OR jats OR stud"))(record)
