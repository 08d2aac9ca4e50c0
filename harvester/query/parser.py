"""Reading a search strategy: the Boolean syntax reviewers already write for PubMed or Ovid.

    ("one-stop service*" OR PTSP[tiab]) AND title:(licens* OR izin) NOT keywords:"case report"

* AND, OR, NOT in capitals; `a NOT b` means a AND NOT b. AND and OR may not be mixed at one
  level without brackets: databases disagree on which binds first (PubMed reads left to right).
* "exact phrases"; `*` at the end of a word (also inside a phrase) matches any ending.
* Fields: suffix tags `[ti]`, `[ab]`, `[tiab]`, `[kw]`/`[ot]`, `[tw]` (all three), or prefixes
  `title:`, `abstract:`, `keywords:` on a word, phrase or bracketed group. Title and abstract by
  default; an inner field wins over the group's.

Errors carry the offset in the text; `QuerySyntaxError.where` says line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from harvester.errors import ConfigError
from harvester.query.nodes import (
    ABSTRACT,
    ALL_FIELDS,
    DEFAULT_FIELDS,
    KEYWORDS,
    TITLE,
    TITLE_ABSTRACT,
    And,
    Fields,
    Node,
    Not,
    Or,
    Term,
    all_of,
    any_of,
)

_T, _A, _K = frozenset({TITLE}), frozenset({ABSTRACT}), frozenset({KEYWORDS})
PREFIXES: dict[str, Fields] = {
    "title": _T,
    "ti": _T,
    "abstract": _A,
    "ab": _A,
    "keywords": _K,
    "keyword": _K,
    "kw": _K,
    "tiab": TITLE_ABSTRACT,
}
TAGS: dict[str, Fields] = {
    **PREFIXES,
    "title/abstract": TITLE_ABSTRACT,
    "ot": _K,
    "other term": _K,
    "tw": ALL_FIELDS,
    "text word": ALL_FIELDS,
}
_UNSET: Fields = frozenset()  # a term's fields before the enclosing group's are known
_OPERATORS = {"AND", "OR", "NOT"}
_ALNUM = re.compile(r"[^\W_]")
_FIELD_WORD = re.compile(r"^([A-Za-z]+):")
# Brackets (and NOTs) nested deeper than this are refused: real strategies nest a handful of
# levels, and every step after parsing (translation, the local filter) walks the tree by recursion.
MAX_NESTING = 50


class QuerySyntaxError(ConfigError):
    """A strategy that cannot be read; `offset` is where in the text the problem is."""

    def __init__(self, message: str, text: str, offset: int) -> None:
        self.message = message
        self.offset = offset
        before = text[:offset]
        self.line = before.count("\n") + 1
        self.column = offset - (before.rfind("\n") + 1) + 1
        where = (
            f"line {self.line}, column {self.column}" if "\n" in text else f"column {self.column}"
        )
        self.where = where
        super().__init__([f"query: {where}: {message}"])


@dataclass(frozen=True)
class _Token:
    kind: str  # word, phrase, field, tag, (, ), AND, OR, NOT, end
    value: str
    start: int


def parse(text: str) -> Node:
    """The strategy as a tree; raises QuerySyntaxError with the offset of the first problem."""
    parser = _Parser(text)
    node = parser.expression()
    token = parser.peek()
    if token.kind == ")":
        parser.fail("closing bracket without an opening one", token)
    if token.kind != "end":
        parser.fail(f"unexpected {_describe(token)}", token)
    return _default_fields(node)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokenize(text))
        self.position = 0
        self.depth = 0

    def fail(self, message: str, token: _Token | int) -> None:
        offset = token if isinstance(token, int) else token.start
        raise QuerySyntaxError(message, self.text, offset)

    def peek(self) -> _Token:
        return self.tokens[self.position]

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expression(self) -> Node:
        operands = [self.unary()]
        kind: str | None = None
        while True:
            token = self.peek()
            if token.kind in ("word", "phrase", "field", "("):
                self.fail(_juxtaposed(token), token)
            if token.kind not in _OPERATORS:
                break
            self.take()
            this = "or" if token.kind == "OR" else "and"
            if kind is not None and this != kind:
                self.fail(
                    "AND (or NOT) and OR at one level: add brackets to say which comes first, "
                    "e.g. (a OR b) AND c",
                    token,
                )
            kind = this
            operand = self.unary(after=token)
            operands.append(Not(operand) if token.kind == "NOT" else operand)
        if kind is None:
            return operands[0]
        return any_of(operands) if kind == "or" else all_of(operands)

    def unary(self, after: _Token | None = None) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.take()
            with self.nested(token):
                return Not(self.unary(after=token))
        return self.primary(after)

    @contextmanager
    def nested(self, token: _Token) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail(f"brackets or NOTs nested more than {MAX_NESTING} levels deep", token)
        yield
        self.depth -= 1

    def primary(self, after: _Token | None) -> Node:
        token = self.take()
        fields = _UNSET
        if token.kind == "field":
            fields = PREFIXES[token.value]
            field_token, token = token, self.take()
            if token.kind not in ("word", "phrase", "("):
                self.fail(f"{field_token.value}: needs a word, phrase or bracket after it", token)
        if token.kind == "(":
            with self.nested(token):
                node = self.expression()
            closing = self.take()
            if closing.kind != ")":
                self.fail("this bracket is never closed", token)
        elif token.kind in ("word", "phrase"):
            node = self.term(token)
        elif after is not None:
            self.fail(f"{after.kind} needs a term after it", after)
            raise AssertionError  # unreachable: fail raises
        elif token.kind in _OPERATORS:
            self.fail(f"{token.kind} needs a term before it", token)
            raise AssertionError
        else:
            self.fail(f"expected a word, phrase or bracket, found {_describe(token)}", token)
            raise AssertionError
        if self.peek().kind == "tag":
            tag = self.take()
            if fields:
                self.fail("a field prefix and a field tag on the same term: keep one", tag)
            fields = TAGS[tag.value]
        return _with_fields(node, fields) if fields else node

    def term(self, token: _Token) -> Term:
        words: list[str] = []
        truncated: list[bool] = []
        offset = token.start + (1 if token.kind == "phrase" else 0)
        for match in re.finditer(r"\S+", token.value):
            word, at = match.group(0), offset + match.start()
            star = word.find("*")
            if "?" in word:
                self.fail(
                    "? wildcards are not supported; use * at the end of a word", at + word.find("?")
                )
            if star != -1 and star != len(word) - 1:
                self.fail("* truncates the end of a word: write licens*, not lic*ense", at + star)
            stem = word.rstrip("*")
            if not _ALNUM.search(stem):
                self.fail(f"'{word}' has no letters or digits to search for", at)
            words.append(stem)
            truncated.append(star != -1)
        if not words:
            self.fail("empty phrase", token)
        return Term(tuple(words), tuple(truncated), _UNSET)


def _with_fields(node: Node, fields: Fields) -> Node:
    """Give `fields` to every term inside `node` that has none of its own yet."""
    if isinstance(node, Term):
        return node if node.fields else replace(node, fields=fields)
    if isinstance(node, Not):
        return Not(_with_fields(node.child, fields))
    if isinstance(node, And | Or):
        return type(node)(tuple(_with_fields(c, fields) for c in node.children))
    return node


def _default_fields(node: Node) -> Node:
    return _with_fields(node, DEFAULT_FIELDS)


def _juxtaposed(token: _Token) -> str:
    if token.kind == "word" and token.value.upper() in _OPERATORS:
        return (
            f"{token.value!r} is read as a word: write {token.value.upper()} in capitals "
            "for the operator, or quote the phrase"
        )
    return (
        f"{_describe(token)} follows another term without AND, OR or NOT: "
        'add an operator, or quote a phrase as "a b"'
    )


def _describe(token: _Token) -> str:
    if token.kind == "word":
        return f"word {token.value!r}"
    if token.kind == "phrase":
        return f'phrase "{token.value}"'
    if token.kind == "field":
        return f"field {token.value}:"
    if token.kind == "tag":
        return f"tag [{token.value}]"
    if token.kind == "end":
        return "end of the query"
    return repr(token.value)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end == -1:
                raise QuerySyntaxError("this quote is never closed", text, i)
            tokens.append(_Token("phrase", text[i + 1 : end], i))
            i = end + 1
        elif ch == "[":
            end = text.find("]", i + 1)
            if end == -1:
                raise QuerySyntaxError("this [ is never closed", text, i)
            name = " ".join(text[i + 1 : end].split()).lower()
            if name not in TAGS:
                hint = " (publication years go in [query] years)" if name in ("dp", "pdat") else ""
                known = ", ".join(f"[{t}]" for t in TAGS)
                raise QuerySyntaxError(f"unknown field tag [{name}]{hint}; known: {known}", text, i)
            tokens.append(_Token("tag", name, i))
            i = end + 1
        elif ch == "]":
            raise QuerySyntaxError("] without an opening [", text, i)
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] not in '()"[]':
                end += 1
            tokens.extend(_word_tokens(text, i, end))
            i = end
    tokens.append(_Token("end", "", n))
    return tokens


def _word_tokens(text: str, start: int, end: int) -> list[_Token]:
    word = text[start:end]
    if word in _OPERATORS:
        return [_Token(word, word, start)]
    prefix = _FIELD_WORD.match(word)
    if not prefix:
        return [_Token("word", word, start)]
    name = prefix.group(1).lower()
    if name not in PREFIXES:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise QuerySyntaxError(f"unknown field {prefix.group(1)}:; known: {known}", text, start)
    rest = prefix.end()
    field = _Token("field", name, start)
    if rest == len(word):
        return [field]
    return [field, _Token("word", word[rest:], start + rest)]
