"""Titles and abstracts in several languages, and which one a screener sees first.

Indonesian journals often print an Indonesian and an English title and abstract. A record keeps
all of them, each with its language (`Work.titles`, `Work.abstracts`); a review's
`screening_language` puts the one in that language first in every export, the others beside it.
A text whose source did not say its language is guessed from its commonest words, and only when
the evidence is clear.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from harvester.work import Text, as_text

# Codes and names exports use for a language -> its ISO 639-1 code.
LANGUAGE_CODES = {
    "eng": "en",
    "english": "en",
    "ind": "id",
    "indonesian": "id",
    "bahasa indonesia": "id",
    "indonesia": "id",
    "may": "ms",
    "msa": "ms",
    "malay": "ms",
    "jav": "jv",
    "javanese": "jv",
    "sun": "su",
    "sundanese": "su",
    "spa": "es",
    "spanish": "es",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "deu": "de",
    "ger": "de",
    "german": "de",
    "por": "pt",
    "portuguese": "pt",
    "ara": "ar",
    "arabic": "ar",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "jpn": "ja",
    "japanese": "ja",
    "nld": "nl",
    "dut": "nl",
    "dutch": "nl",
}

# The commonest short words of the languages a guess may name. A text is guessed to be in a
# language when at least MIN_HITS of its words are in that list and twice as many as in any
# other list: "Pelayanan terpadu satu pintu dan kualitas layanan publik di kota" -> "id".
STOPWORDS = {
    "en": frozenset(
        str.split(
            "the of and in to for with on by from an is are was were this that these at as its "
            "their using between among into study analysis"
        )
    ),
    "id": frozenset(
        str.split(
            "yang dan di dari dengan untuk pada dalam ini itu terhadap sebagai atau oleh ke "
            "tidak adalah serta akan kepada bagi melalui studi analisis pengaruh kabupaten kota"
        )
    ),
}
MIN_HITS = 2
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_WORD = re.compile(r"[a-z]+")


def language_code(value: str | None) -> str | None:
    """ "eng", "English", "en_US", "en-US" -> "en"; "ind", "Indonesian" -> "id"."""
    if not value or not value.strip():
        return None
    lowered = value.strip().lower()
    if lowered in LANGUAGE_CODES:
        return LANGUAGE_CODES[lowered]
    code = re.split(r"[-_]", lowered)[0]
    return LANGUAGE_CODES.get(code, code if len(code) == 2 and code.isalpha() else None)


def guess_language(text: str) -> str | None:
    """The language of `text` by its commonest words, or None when the words do not say."""
    hits = dict.fromkeys(STOPWORDS, 0)
    # Each distinct word looked up once, with its count (abstracts repeat their words). An ASCII
    # text's words are its runs of ASCII letters, lowered with it in one go.
    if text.isascii():
        words = Counter(_ASCII_WORD.findall(text.lower()))
    else:
        words = Counter(w.lower() for w in _WORD.findall(text))
    for lowered, times in words.items():
        for code, common in STOPWORDS.items():
            if lowered in common:
                hits[code] += times
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    best, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return best if count >= MIN_HITS and count >= 2 * runner_up else None


# Texts whose keys are kept (a cluster's or a record's worth, many times over).
KEYS_CACHED = 4096
# Not a letter or digit: `\W` is exactly "not str.isalnum()", but for the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")


@lru_cache(maxsize=KEYS_CACHED)
def _key(text: str) -> str:
    """The letters and digits of `text`, case and accents folded (one C pass, not a Python
    loop over characters: abstracts are long, and every member's are keyed per snapshot).
    Cached: a record's title is often also listed in its titles, and a cluster's members
    share theirs, so one text is keyed several times in a row."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text.casefold()))


def merge_texts(*groups: Iterable[Text]) -> list[Text]:
    """Every distinct text of the groups, in order; a repeat only fills a missing language."""
    texts = [text for group in groups for text in group]
    if len(texts) == 1:  # nothing to compare: keyed only to know it is not empty
        return [texts[0]] if _has_key(texts[0].text) else []
    out: list[Text] = []
    seen: dict[str, int] = {}
    for text in texts:
        key = _key(text.text)
        if not key:
            continue
        if key in seen:
            kept = out[seen[key]]
            if kept.language is None and text.language:
                out[seen[key]] = Text(kept.text, text.language)
            continue
        seen[key] = len(out)
        out.append(text)
    return out


def _has_key(text: str) -> bool:
    """Whether `_key(text)` is not empty: an ASCII letter or digit is always kept by it."""
    return _ASCII_ALNUM.search(text) is not None or bool(_key(text))


def record_texts(record: Mapping[str, Any], kind: str) -> list[Text]:
    """The titles (kind "title") or abstracts ("abstract") of a stored or exported record."""
    listed = [as_text(t) for t in record.get(f"{kind}s") or ()]
    main = record.get(kind)
    # A record's language is not always its title's (Scopus gives an Indonesian article's
    # English title with language "Indonesian"): untagged texts are guessed later.
    derived: list[Text] = [Text(main)] if main else []
    if kind == "title":
        derived += [Text(t) for t in record.get("other_titles") or ()]
    return merge_texts(listed, derived)


def with_languages(texts: Sequence[Text], record_language: str | None) -> list[Text]:
    """Each text with a language: the one given, else a clear guess, else (for a record's only
    text) the record's own language."""
    known = language_code(record_language)
    out = []
    for text in texts:
        language = language_code(text.language) or guess_language(text.text)
        if language is None and len(texts) == 1:
            language = known
        out.append(Text(text.text, language))
    return out


def screening_order(texts: Sequence[Text], prefer: str | None) -> list[Text]:
    """The texts with the first one in language `prefer` moved to the front (order kept else)."""
    if not prefer:
        return list(texts)
    first = next((i for i, t in enumerate(texts) if t.language == prefer), None)
    if first is None:
        return list(texts)
    return [texts[first], *texts[:first], *texts[first + 1 :]]


def for_screening(record: Mapping[str, Any], prefer: str | None) -> dict[str, Any]:
    """A copy of an exported record whose `title` and `abstract` are the ones screeners see
    first, and whose `titles` and `abstracts` list every one with its language, those first."""
    out = dict(record)
    for kind in ("title", "abstract"):
        texts = with_languages(record_texts(record, kind), record.get("language"))
        ordered = screening_order(texts, prefer)
        out[f"{kind}s"] = [t.to_dict() for t in ordered]
        out[kind] = ordered[0].text if ordered else None
        out[f"{kind}_language"] = ordered[0].language if ordered else None
    return out


def screened(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record ordered for screening: as given when `for_screening` ordered it already, else
    in the record's own order."""
    return record if "title_language" in record else for_screening(record, None)


def others(record: Mapping[str, Any], kind: str) -> list[Text]:
    """The titles or abstracts beside the one shown first (after `for_screening`)."""
    return [as_text(t) for t in (record.get(f"{kind}s") or [])[1:]]


def labelled(texts: Iterable[Text]) -> str:
    """ "[id] Judul ...  ||  [fr] Titre ..." for a cell or a note."""
    return "  ||  ".join(f"[{t.language or '?'}] {t.text}" for t in texts)
