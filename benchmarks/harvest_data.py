"""Generated Crossref pages for the harvest benchmark, written once to a folder.

Every record takes the shape of a recorded Crossref journal article (tests/fixtures, their
reference lists left out: about 5 KB each) with its own DOI, title, authors, year, volume,
pages and abstract. Titles come in families (a beginning shared by eight articles, each with
words of its own); a few first-author-and-year blocks are large (600 records, as "Wang 2019"
is in a big store). A second source, "mirror", sends a quarter of the records again under
the same DOI, its titles and abstracts written as another database would: duplicates.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.store_writes import FIXTURES

PAGE = 1000
_COMPACT = (",", ":")  # as Crossref writes its JSON
BIG_BLOCK = 600  # records in each large first-author-and-year block
FAMILY = 8  # articles sharing a title stem
DUPLICATES = 0.25  # of all records, sent again by the mirror source
_LETTERS = "bcdfghjklmnpqrstvwxz"
_TOPICS = (
    "soil carbon",
    "coral reefs",
    "pollinators",
    "river flow",
    "urban heat",
    "forest fire",
    "wetland birds",
    "grazing",
    "drought",
    "invasive plants",
    "seed banks",
    "fisheries",
    "bats",
    "alpine lakes",
    "mangroves",
)
_BIG = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao")
INDEXED = datetime(2026, 1, 1)  # the first record's index date; each next one a second later
_STEMS = (
    "Effects of {} on {}",
    "Long-term trends in {} and {}",
    "A field experiment on {} under {}",
    "Modelling {} with {}",
    "Why {} matters for {}",
)


def word(number: int) -> str:
    """A made-up word per number ("ba", "ca", ... "baca"): distinct numbers, distinct words."""
    out = ""
    while True:
        number, digit = divmod(number, len(_LETTERS))
        out += _LETTERS[digit] + "a"
        if not number:
            return out


# The fields each record has of its own; the rest of a record is its template's, as it is.
OWN_FIELDS = ("DOI", "URL", "title", "author", "issued", "volume", "issue", "page", "abstract")
OWN_FIELDS += ("indexed",)
VOCABULARY = 10**5  # abstracts draw their words from this many
ABSTRACT_WORDS = 120


@dataclass(frozen=True)
class Template:
    """A recorded Crossref journal article without its reference list: `shared` is its JSON
    without the fields each generated record has of its own (and without the closing brace)."""

    item: dict[str, Any]
    shared: str


def templates() -> list[Template]:
    """Recorded Crossref journal articles, without their reference lists."""
    body = json.loads((FIXTURES / "works-query-ecology-query-author.json").read_bytes())
    found = []
    for item in body["message"]["items"]:
        if item.get("author") and item.get("abstract"):
            kept = {k: v for k, v in item.items() if k != "reference"}
            rest = {k: v for k, v in kept.items() if k not in OWN_FIELDS}
            found.append(Template(kept, json.dumps(rest, separators=_COMPACT)[:-1]))
    return found


@cache
def _vocabulary() -> np.ndarray:
    return np.array([word(n) for n in range(VOCABULARY)], dtype=object)


@lru_cache(maxsize=4)
def _abstract_words(block: int) -> list[list[str]]:
    """The words of the abstracts of records block * PAGE ... (block + 1) * PAGE - 1, drawn
    for a whole block at once (far faster than record by record), the same every time."""
    rng = np.random.default_rng(block)
    drawn = rng.integers(0, VOCABULARY, size=(PAGE, ABSTRACT_WORDS))
    return _vocabulary()[drawn].tolist()  # type: ignore[no-any-return]


def big_block(index: int, size: int) -> int | None:
    """The large author-year block record `index` of `size` is in, if any: one block of
    BIG_BLOCK records per 25,000 (fewer members in a store under 30,000), spread evenly."""
    blocks, members = max(1, size // 25_000), min(BIG_BLOCK, size // 50)
    stride = max(1, size // (blocks * members))
    if index % stride or index // stride >= blocks * members:
        return None
    return (index // stride) % blocks


def own_fields(index: int, size: int) -> dict[str, Any]:
    """The fields record `index` of `size` has of its own: distinct in every field
    deduplication compares."""
    rnd = random.Random(index)
    block = big_block(index, size)
    family = word(rnd.randrange(3000)).capitalize() + "son" if block is None else _BIG[block % 8]
    year = 1990 + rnd.randrange(35) if block is None else 2019
    group = index // FAMILY
    stem = _STEMS[group % len(_STEMS)].format(
        _TOPICS[group % len(_TOPICS)], _TOPICS[(group // 7) % len(_TOPICS)]
    )
    own = " ".join(word(index * 3 + k) for k in range(3))
    start = 1 + rnd.randrange(4000)
    return {
        "DOI": f"10.5555/bench.{index}",
        "URL": f"https://doi.org/10.5555/bench.{index}",
        "title": [f"The {word(group).capitalize()} trial. {stem}: the {own} study"],
        "author": [{"given": "A.", "family": family, "sequence": "first"}]
        + [{"given": "B.", "family": word(rnd.randrange(10**6)).capitalize()} for _ in range(3)],
        "issued": {"date-parts": [[year, 1 + rnd.randrange(12)]]},
        "volume": str(1 + rnd.randrange(80)),
        "issue": str(1 + rnd.randrange(12)),
        "page": f"{start}-{start + 5 + rnd.randrange(20)}",
        "abstract": f"<jats:p>We studied {own} ({index}). "
        + " ".join(_abstract_words(index // PAGE)[index % PAGE])
        + "</jats:p>",
        "indexed": {"date-time": (INDEXED + timedelta(seconds=index)).isoformat() + "Z"},
    }


def article(index: int, size: int, base: list[Template]) -> dict[str, Any]:
    """Record `index` of `size`, as a dict (what article_json writes)."""
    return base[index % len(base)].item | own_fields(index, size)


def mirrored(item: dict[str, Any]) -> dict[str, Any]:
    """The same article as another database sends it: title in capitals, no abstract."""
    copied = dict(item)
    copied["title"] = [item["title"][0].upper()]
    copied.pop("abstract", None)
    return copied


def article_json(index: int, size: int, base: list[Template], *, mirror: bool = False) -> str:
    """Record `index` of `size` as JSON text (mirrored when `mirror`), its template's shared
    part written once and only its own fields serialized: a few times faster than dumping the
    whole record."""
    own = own_fields(index, size)
    if mirror:
        own = mirrored(own)
    return base[index % len(base)].shared + "," + json.dumps(own, separators=_COMPACT)[1:]


@dataclass(frozen=True)
class PageSet:
    """A folder of pages one source walks: 0.json, 1.json, ... and an empty last page."""

    folder: Path
    records: int

    @property
    def pages(self) -> int:
        return -(-self.records // PAGE)


def write_pages(folder: Path, items: Iterator[str], total: int) -> PageSet:
    """Crossref pages of PAGE records each (`items`: each record's JSON text), every one
    pointing at the next by its cursor."""
    folder.mkdir(parents=True, exist_ok=True)
    number, batch, count = 0, [], 0
    for item in items:
        batch.append(item)
        count += 1
        if len(batch) == PAGE:
            _write(folder, number, batch, total)
            number, batch = number + 1, []
    if batch:
        _write(folder, number, batch, total)
        number += 1
    _write(folder, number, [], total)
    return PageSet(folder, count)


def _write(folder: Path, number: int, items: list[str], total: int) -> None:
    body = (
        '{"status":"ok","message-type":"work-list","message":{"total-results":'
        f'{total},"items":[{",".join(items)}],"next-cursor":"p{number + 1}"}}}}'
    )
    (folder / f"{number}.json").write_text(body, encoding="utf-8")
