"""Exports harvester and the tools it feeds read back whole: a backslash in BibTeX, control
characters in any format, files created as the umask says, no temporary file left behind by a
killed process, and a search log that shows a review title's markup as text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from harvester.exports import FORMATS, export_records
from harvester.exports.atomic import TEMP_SUFFIX
from harvester.inputs import read_file
from harvester.reporting.searchlog import plain
from tests.conftest import run_cli

# Formats harvester reads back, and the file name it needs to know them by.
READ_BACK = {"ris": "ris", "bibtex": "bib", "csv": "csv", "asreview": "csv", "rayyan": "csv"}


def record(number: int, **fields: Any) -> dict[str, Any]:
    base = {
        "cluster_id": f"C{number:07d}",
        "title": f"Widget study number {number}",
        "authors": [f"Author{number}, A"],
        "year": 2020,
        "type": "journal-article",
        "venue": "Journal of Widgets",
        "sources": ["crossref"],
        "work_ids": [f"crossref:10.1000/{number}"],
    }
    return {**base, **fields}


@pytest.fixture
def umask() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_backslash_in_bibtex_loses_no_entry(tmp_path: Path) -> None:
    records = [record(n) for n in range(1, 6)]
    records[1]["authors"] = ["Smith\\", "Jones, B"]  # a backslash before the closing brace
    records[2]["title"] = "Paths like C:\\temp\\new in widget logs"
    records[3]["url"] = "https://example.org/a\\b"
    out = tmp_path / "all.bib"
    assert export_records(records, "bibtex", out) == 5
    library = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    assert (len(library.entries), library.failed_blocks) == (5, [])
    works = [r.work for r in read_file(out)]
    assert [w.title for w in works][2] == "Paths like C:\\temp\\new in widget logs"
    assert works[1].authors == ("Smith\\", "Jones, B")
    assert works[3].url == "https://example.org/a\\b"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_control_characters_never_reach_an_export(tmp_path: Path, fmt: str) -> None:
    records = [
        record(1, title="A widget\x00 study"),
        record(2, abstract="Line one\x0bline two\x1b[31m", authors=["Doe\x07, J"]),
        record(3, venue="\x98The\x9c widget series"),
    ]
    out = tmp_path / f"all.{READ_BACK.get(fmt, fmt)}"
    assert export_records(records, fmt, out) == 3
    text = out.read_text(encoding="utf-8")
    assert not any((ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0 for c in text)
    if fmt == "jsonl":
        first = json.loads(text.splitlines()[0])
        assert first["title"] == "A widget study"
        return
    works = [r.work for r in read_file(out)]  # harvester reads its own file back
    assert [w.title for w in works] == [
        "A widget study",
        "Widget study number 2",
        "Widget study number 3",
    ]
    if fmt in ("ris", "csv", "bibtex"):
        assert works[1].abstract == "Line one line two[31m"


@pytest.mark.parametrize("fmt", ["csv", "asreview", "rayyan"])
def test_a_control_character_cannot_hide_a_formula(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "all.csv"
    export_records([record(1, title='\x00=HYPERLINK("http://x")')], fmt, out)
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_an_export_follows_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    out = tmp_path / "all.ris"
    export_records([record(1)], "ris", out)
    assert out.stat().st_mode & 0o777 == mode


def test_a_replaced_export_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    out = tmp_path / "all.ris"
    out.write_text("an older export\n", encoding="utf-8")
    out.chmod(0o664)
    export_records([record(1)], "ris", out)
    assert out.stat().st_mode & 0o777 == 0o664
    assert "Widget study number 1" in out.read_text(encoding="utf-8")


def dead_pid() -> int:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(finished.stdout)


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    left = tmp_path / f".all.ris.{dead_pid()}.x1y2z3{TEMP_SUFFIX}"  # as a kill -9 leaves it
    left.write_text("TY  - JOUR\nTI  - half a rec", encoding="utf-8")
    running = tmp_path / f".other.ris.{os.getpid()}.a1b2c3{TEMP_SUFFIX}"  # a live writer's
    running.write_text("", encoding="utf-8")
    export_records([record(1)], "ris", tmp_path / "all.ris")
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "all.ris"]


def test_the_search_log_shows_a_review_titles_markup_as_text() -> None:
    title = "<img src=x onerror=alert(1)> **Widgets** [draft](http://x) in_review"
    assert plain(title) == (
        "&lt;img src=x onerror=alert(1)&gt; \\*\\*Widgets\\*\\* \\[draft\\](http://x) in\\_review"
    )


def test_the_search_log_file_escapes_the_title(tmp_path: Path) -> None:
    from harvester.replay import ReplayServer
    from tests.conftest import REPLAY, write_review

    with ReplayServer(REPLAY / "demo") as server:
        review = write_review(tmp_path / "r.toml", server.url)
        text = review.read_text(encoding="utf-8")
        review.write_text(
            text.replace('title = "test review"', 'title = "<b>Widgets</b> & *gadgets*"'),
            encoding="utf-8",
        )
        db = tmp_path / "store.duckdb"
        assert run_cli("run", review, "--db", db).returncode == 0
    out = tmp_path / "log.md"
    assert run_cli("searchlog", review, "--db", db, "--out", out).returncode == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# Search log: &lt;b&gt;Widgets&lt;/b&gt; &amp; \\*gadgets\\*"


FAULTY_RIS = (
    "TY  - JOUR\nTI  - Widgets in the wild\nAU  - Smith\\, Jane\nPY  - 2020\nER  -\n\n"
    "TY  - JOUR\nTI  - A census of gadgets\nAU  - Doe, Alex\nPY  - 2021\n"  # no ER line
)
FAULTY_CSV = (
    "Title,Authors,Year\n"
    'The 12" widget,Roe\\ B,2019\n'  # a stray quote, and a backslash ending an author
    "Gizmos: a history,Poe C,2018\n"
)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_faulty_files_go_through_dedup_and_every_export_and_back(tmp_path: Path, fmt: str) -> None:
    ris = tmp_path / "a.ris"
    ris.write_text(FAULTY_RIS, encoding="utf-8")
    table = tmp_path / "b.csv"
    table.write_text(FAULTY_CSV, encoding="utf-8")
    merged = tmp_path / f"merged.{READ_BACK.get(fmt, fmt)}"
    result = run_cli(
        "dedup",
        ris,
        table,
        "--out",
        tmp_path / "clusters.csv",
        "--deduplicated",
        merged,
        "--format",
        fmt,
    )
    assert result.returncode == 0, result.stderr
    assert f"read 2 records from {ris}" in result.stderr
    assert f"read 2 records from {table}" in result.stderr
    assert "4 records, 4 clusters" in result.stderr
    titles = {"Widgets in the wild", "A census of gadgets", 'The 12" widget', "Gizmos: a history"}
    if fmt == "jsonl":
        lines = [json.loads(line) for line in merged.read_text(encoding="utf-8").splitlines()]
        assert {line["title"] for line in lines} == titles
        return
    works = [r.work for r in read_file(merged)]
    assert {w.title for w in works} == titles
    read_in = [r.work for path in (ris, table) for r in read_file(path)]
    assert {w.authors for w in works} == {w.authors for w in read_in}
    assert ("Smith\\, Jane",) in {w.authors for w in works}
    again = run_cli("dedup", merged, "--out", tmp_path / "again.csv")
    assert again.returncode == 0, again.stderr
    assert f"read 4 records from {merged}" in again.stderr
