"""Shortcuts that must not change what is written: a cluster lists its titles and abstracts
without keying them when its members give one string, and a language guess counts each word once."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from harvester.languages import (
    _WORD,
    MIN_HITS,
    STOPWORDS,
    _key,
    guess_language,
    merge_texts,
    record_texts,
)
from harvester.snapshot import canonical_record, completeness
from harvester.work import Text

TEXTS = st.sampled_from(["Judul", "judul", "Title", "Títle", "", "  ", "Title!"])
LANGUAGES = st.sampled_from([None, "id", "en"])


def _member(index: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "work_id": st.just(f"w{index}"),
            "source": st.just("s"),
            "title": TEXTS,
            "abstract": TEXTS,
            "other_titles": st.lists(TEXTS, max_size=2),
            "titles": st.lists(
                st.builds(lambda t, lang: {"text": t, "language": lang}, TEXTS, LANGUAGES),
                max_size=2,
            ),
            "abstracts": st.lists(
                st.builds(lambda t, lang: {"text": t, "language": lang}, TEXTS, LANGUAGES),
                max_size=2,
            ),
        }
    )


def _merged_always(members: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The listed texts as made before the shortcut: every member's texts keyed and merged."""
    ranked = sorted(members, key=lambda m: completeness(m.get, m["work_id"]), reverse=True)
    texts = merge_texts(*(record_texts(m, kind) for m in ranked))
    return [t.to_dict() for t in texts] if len(texts) > 1 else []


@given(st.integers(1, 3).flatmap(lambda n: st.tuples(*(_member(i) for i in range(n)))))
def test_listed_texts_are_those_of_a_full_merge(members: tuple[dict[str, Any], ...]) -> None:
    record = canonical_record(list(members))
    for kind in ("title", "abstract"):
        assert record[f"{kind}s"] == _merged_always(list(members), kind)


def test_members_giving_one_title_list_none() -> None:
    members = [
        {"work_id": "a", "source": "x", "title": "Same", "titles": [{"text": "Same"}]},
        {"work_id": "b", "source": "y", "title": "Same"},
    ]
    assert canonical_record(members)["titles"] == []
    members[1]["title"] = "Other"
    assert [t["text"] for t in canonical_record(members)["titles"]] == [
        "Other",
        "Same",
    ]  # b ranks first (ties by id)


def _guess_word_by_word(text: str) -> str | None:
    """The language guess as made before words were counted: every word lowered and looked up."""
    words = [w.lower() for w in _WORD.findall(text)]
    hits = {code: sum(1 for w in words if w in common) for code, common in STOPWORDS.items()}
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    best, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return best if count >= MIN_HITS and count >= 2 * runner_up else None


WORDS = st.sampled_from(["the", "THE", "Of", "dan", "yang", "İN", "di", "x", "9", "_"])


@given(st.lists(st.one_of(WORDS, st.text(max_size=4)), max_size=12).map(" ".join))
def test_language_guess_counts_words_as_before(text: str) -> None:
    assert guess_language(text) == _guess_word_by_word(text)


@given(st.text(alphabet=string.printable, max_size=40))
def test_language_guess_of_ascii_texts_counts_words_as_before(text: str) -> None:
    assert guess_language(text) == _guess_word_by_word(text)


@given(st.one_of(st.text(max_size=6), st.sampled_from(["™", "_", " - ", "①", "x"])), LANGUAGES)
def test_a_lone_text_is_kept_when_its_key_is_not_empty(text: str, language: str | None) -> None:
    assert merge_texts([Text(text, language)]) == ([Text(text, language)] if _key(text) else [])
