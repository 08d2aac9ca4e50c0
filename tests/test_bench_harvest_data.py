"""The harvest benchmark's generated pages (benchmarks/harvest_data.py): distinct records,
large author-year blocks where asked, pages that chain by cursor, served from loopback."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.floor import floor
from benchmarks.harvest_data import (
    BIG_BLOCK,
    article,
    article_json,
    big_block,
    mirrored,
    templates,
    write_pages,
)
from benchmarks.loopback import serving
from connectors.crossref import Crossref


def test_generated_records_are_distinct_in_every_field_dedup_compares() -> None:
    base = templates()
    works = [Crossref().to_work(article(i, 1_000, base)) for i in range(300)]
    for field in ("doi", "title", "abstract"):
        assert len({getattr(w, field) for w in works}) == len(works), field
    assert len({(w.authors, w.year, w.volume, w.pages) for w in works}) == len(works)


def test_a_large_store_has_a_600_record_author_year_block_per_25000() -> None:
    members = [big_block(i, 50_000) for i in range(50_000)]
    assert sorted({m for m in members if m is not None}) == [0, 1]
    assert members.count(0) == members.count(1) == BIG_BLOCK
    assert sum(m is not None for m in [big_block(i, 2_000) for i in range(2_000)]) == 40


def test_pages_chain_by_cursor_and_the_floor_reads_them_all(tmp_path: Path) -> None:
    base = templates()
    items = (article_json(i, 2_500, base) for i in range(2_500))
    pages = write_pages(tmp_path / "s" / "a", items, 2_500)
    assert (pages.records, pages.pages) == (2_500, 3)
    last = json.loads((tmp_path / "s" / "a" / "3.json").read_text())
    assert last["message"]["items"] == []
    first = json.loads((tmp_path / "s" / "a" / "0.json").read_text())["message"]
    assert first["next-cursor"] == "p1" and first["total-results"] == 2_500
    assert first["items"][7] == article(7, 2_500, base)
    with serving(tmp_path) as url:
        assert floor([f"{url}/s/a/works"], tmp_path / "floor.duckdb") == 2_500


def test_titles_come_in_families_of_eight_sharing_their_beginning() -> None:
    base = templates()
    titles = [article(i, 1_000, base)["title"][0] for i in range(64)]
    beginnings = {t.replace(" ", "")[:30] for t in titles}
    assert len(beginnings) == 8 and len(set(titles)) == 64


def test_a_record_as_json_text_is_the_record_and_its_mirror_the_mirrored_record() -> None:
    base = templates()
    for index in (0, 999, 1_000, 30_001):
        item = article(index, 50_000, base)
        assert json.loads(article_json(index, 50_000, base)) == item
        assert json.loads(article_json(index, 50_000, base, mirror=True)) == mirrored(item)
        assert article_json(index, 50_000, base) == article_json(index, 50_000, base)
