"""A living review over two updates, through the CLI: the replay server serves more the second time.

Update 1 is the demo recordings (60 Crossref + 38 OpenAlex works); in update 2 each source
answers the incremental request with another recorded page (20 Crossref + 2 OpenAlex works).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cairosvg
import pytest
import rispy
from PIL import Image

from harvester.replay import ReplayServer
from harvester.store import open_store
from tests.conftest import API, REPLAY, run_cli, write_review

SVG = "{http://www.w3.org/2000/svg}"


def recorded_dois(*pages: tuple[str, str]) -> set[str]:
    dois = set()
    for source, name in pages:
        body = json.loads((API / source / name).read_text(encoding="utf-8"))
        items = body["message"]["items"] if source == "crossref" else body["results"]
        for item in items:
            doi = item.get("DOI") or item.get("doi") or ""
            dois.add(doi.lower().removeprefix("https://doi.org/"))
    return dois


UPDATE_2_DOIS = recorded_dois(
    ("crossref", "works-query-ecology-query-author.json"),
    ("openalex", "works-filter-openalex-ids-cursor-star.json"),
)


@dataclass
class Living:
    review: Path
    db: Path
    tmp: Path
    server: ReplayServer

    def cli(self, *args: str | Path) -> str:
        result = run_cli(*args, "--db", self.db)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def export(self, fmt: str, *extra: str) -> Path:
        out = self.tmp / f"out-{len(list(self.tmp.iterdir()))}.{fmt}"
        self.cli("export", self.review, "--format", fmt, "--out", out, *extra)
        return out


@pytest.fixture(scope="module")
def living(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Living]:
    tmp = tmp_path_factory.mktemp("living")
    with ReplayServer(REPLAY / "living") as server:
        # These tests are about snapshots, not the strategy: keep every recorded record.
        review = write_review(tmp / "review.toml", server.url, extra="local_filter = false\n")
        state = Living(review, tmp / "store.duckdb", tmp / "out", server)
        state.tmp.mkdir()
        # 98 records, 96 articles: two book chapters under two DOI spellings each.
        assert "Snapshot 1: 96 unique records" in state.cli("run", review)
        # What screener alice gets after the first update.
        first = state.export("csv", "--for", "alice")
        assert len(list(csv.DictReader(first.open(encoding="utf-8")))) == 96
        server.phase = 2
        assert "Snapshot 2: 118 unique records" in state.cli("run", review)
        yield state


def diff_json(living: Living) -> dict:  # type: ignore[type-arg]
    return json.loads(living.cli("snapshots", "diff", "1", "2", "--json"))


def test_list_names_both_snapshots_and_what_each_added(living: Living) -> None:
    listing = living.cli("snapshots", "list", living.review)
    rows = [line.split("│") for line in listing.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in row[1:-1]] for row in rows]
    assert [(c[0], c[4], c[6], c[7]) for c in cells] == [
        ("1", "98", "96", "96"),
        ("2", "120", "118", "22"),
    ]


def test_diff_lists_exactly_the_new_clusters(living: Living) -> None:
    diff = diff_json(living)
    assert diff["removed"] == [] and diff["changed"] == []
    assert len(diff["added"]) == 22
    assert all(change["reasons"] == ["new record"] for change in diff["added"])
    with open_store(living.db, read_only=True) as store:
        added_dois = {
            row[0]
            for row in store.rows(
                """SELECT json_extract_string(record, '$.doi') FROM snapshot_members
                   WHERE snapshot_id = 2 AND cluster_id IN (SELECT unnest(?))""",
                [[c["cluster_id"] for c in diff["added"]]],
            )
        }
    assert added_dois == UPDATE_2_DOIS
    text = living.cli("snapshots", "diff", "1", "2")
    assert text.splitlines()[0] == "snapshot 1 -> 2 (t): 22 added, 0 removed, 0 changed"
    assert sum(1 for line in text.splitlines() if line.startswith("+ C")) == 22


def test_new_since_export_holds_exactly_the_new_clusters(living: Living) -> None:
    added = {c["cluster_id"] for c in diff_json(living)["added"]}
    ris = rispy.loads(living.export("ris", "--new-since", "1").read_text(encoding="utf-8"))
    assert {e["id"] for e in ris} == added
    lines = living.export("jsonl", "--new-since", "1").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["cluster_id"] for line in lines} == added
    assert {json.loads(line)["doi"] for line in lines} == UPDATE_2_DOIS


def test_for_a_screener_never_hands_over_a_cluster_twice(living: Living) -> None:
    added = {c["cluster_id"] for c in diff_json(living)["added"]}
    second = living.export("rayyan", "--for", "alice")
    assert {r["key"] for r in csv.DictReader(second.open(encoding="utf-8"))} == added
    third = living.export("rayyan", "--for", "alice")
    assert third.read_text(encoding="utf-8").count("\n") == 1  # the header alone
    assert list(csv.DictReader(third.open(encoding="utf-8"))) == []
    # Another screener is another memory; RIS with nothing to give is an empty file.
    assert len(rispy.loads(living.export("ris", "--for", "bob").read_text("utf-8"))) == 118
    assert living.export("ris", "--for", "bob").read_text(encoding="utf-8") == ""


def test_show_names_the_run_queries_notes_window_and_members(living: Living) -> None:
    text = living.cli("snapshots", "show", "2")
    assert text.startswith("Snapshot 2 of review t: run 2 (ok)")
    assert "crossref (crossref): ok, 20 records (20 new), 1,253 reported; window since " in text
    assert "query.bibliographic=widget+citation" in text
    assert "note: Crossref has no Boolean search" in text
    data = json.loads(living.cli("snapshots", "show", "2", "--json"))
    assert data["previous_snapshot"] == 1
    assert len(data["members"]) == 118
    windows = {s["source"]: (s["window_from"], s["window_until"]) for s in data["searches"]}
    assert all(start and until and start < until for start, until in windows.values())
    assert {s for m in data["members"] for s in m["sources"]} == {"crossref", "openalex"}


def test_prisma_counts_add_up_and_match_the_store(living: Living) -> None:
    out = living.tmp / "prisma.json"
    living.cli("prisma", living.review, "--json", out)
    report = json.loads(out.read_text(encoding="utf-8"))
    blocks = [u["flow"] for u in report["updates"]] + [report["cumulative"]]
    for flow in blocks:
        assert sum(flow["identified"].values()) == flow["identified_total"]
        assert (
            flow["identified_total"] - flow["duplicates_removed"] - flow["ineligible"]
            == flow["to_screen"]
        )
    first, second = report["updates"]
    assert first["flow"]["identified"] == {"crossref": 60, "openalex": 38}
    assert second["flow"]["identified"] == {"crossref": 20, "openalex": 2}
    assert second["flow"]["to_screen"] == len(diff_json(living)["added"])
    with open_store(living.db, read_only=True) as store:
        in_store = dict(
            store.rows(
                """SELECT w.source, count(*) FROM review_records r JOIN works w USING (work_id)
                   WHERE r.review_id = 't' AND r.matched AND NOT w.deleted GROUP BY w.source"""
            )
        )
        new_per_run = {
            (run, source): new
            for run, source, new in store.rows(
                "SELECT run_id, source, new_records FROM run_sources"
            )
        }
        clusters = store.value("SELECT clusters FROM snapshots WHERE snapshot_id = 2")
    assert report["cumulative"]["identified"] == in_store
    assert report["cumulative"]["to_screen"] == clusters
    for update in report["updates"]:
        for source, n in update["flow"]["identified"].items():
            assert new_per_run[(update["run_id"], source)] == n


def test_prisma_svg_is_valid_and_renders(living: Living) -> None:
    out = living.tmp / "prisma.svg"
    living.cli("prisma", living.review, "--out", out)
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "crossref (n = 20)" in texts and "crossref (n = 80)" in texts
    assert "Total (n = 120)" in texts and "(n = 22)" in texts
    assert len(list(root.iter(f"{SVG}polygon"))) == 4  # two arrows per panel
    png = cairosvg.svg2png(url=str(out))
    image = Image.open(io.BytesIO(png)).convert("L")
    dark = sum(image.histogram()[:128])
    assert image.size[0] >= 800
    assert 0.01 < dark / (image.size[0] * image.size[1]) < 0.5  # drawn, and not a black page


def test_search_log_quotes_each_query_note_window_and_count(living: Living) -> None:
    out = living.tmp / "searchlog.md"
    living.cli("searchlog", living.review, "--out", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Search log: test review\n")
    assert text.count("## Update ") == 2
    assert "| crossref | " in text and "| 454 | 60 | 60 | 0 |" in text
    assert "| 1,253 | 20 | 20 | 0 |" in text
    assert "query.bibliographic = widget citation" in text
    assert "filter = title_and_abstract.search:widget* OR citation*" in text
    assert "  > Crossref has no Boolean search" in text
    assert "no date limit" in text and "records added or changed since " in text
    assert "filter = from-index-date:" in text  # the incremental limit, as sent


def test_prisma_counts_records_the_local_filter_left_out(tmp_path: Path) -> None:
    with ReplayServer(REPLAY / "demo") as server:
        review = write_review(tmp_path / "review.toml", server.url)  # local filter on
        db = tmp_path / "store.duckdb"
        assert run_cli("run", review, "--db", db).returncode == 0
    shown = run_cli("prisma", review, "--db", db, "--out", tmp_path / "p.svg", "--json", "-")
    assert shown.returncode == 0, shown.stderr
    flow = json.loads(shown.stdout)["cumulative"]
    with open_store(db, read_only=True) as store:
        retrieved = store.value("SELECT count(*) FROM review_records")
        rejected = store.value("SELECT count(*) FROM review_records WHERE NOT matched")
    assert rejected > 0
    assert flow["identified_total"] == retrieved == 98
    assert flow["ineligible"] == rejected
    assert flow["to_screen"] == 98 - rejected - flow["duplicates_removed"]
    assert "Marked as ineligible by automation" in (tmp_path / "p.svg").read_text()
