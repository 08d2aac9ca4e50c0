"""The CLI as a user runs it: a subprocess, a real store file, the replay server on loopback."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import rispy

from harvester.registry import connectors
from harvester.replay import ReplayServer
from tests.conftest import API, REPLAY, run_cli, write_review

RECORDINGS = json.loads((API / "recordings.json").read_text())


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(REPLAY / "demo") as running:
        yield running


def test_run_then_export_gives_one_ris_entry_per_deduplicated_record(
    server: ReplayServer, tmp_path: Path
) -> None:
    review = write_review(tmp_path / "review.toml", server.url)
    db = tmp_path / "new" / "dir" / "store.duckdb"  # a missing store directory is created
    ran = run_cli("run", review, "--db", db)
    assert ran.returncode == 0, ran.stderr
    assert "crossref" in ran.stdout and "60" in ran.stdout and "38" in ran.stdout
    # The OpenAlex recording answers any query: 28 of its records lack widget*/citation*,
    # so the local filter keeps them in the store but out of the snapshot.
    assert "28 records did not match the strategy as written" in ran.stdout
    # 70 records match; two book chapters come under two DOI spellings each: 68 articles.
    assert "Snapshot 1: 68 unique records from 70 matching" in ran.stdout
    out = tmp_path / "review.ris"
    exported = run_cli("export", review, "--db", db, "--format", "ris", "--out", out)
    assert exported.returncode == 0, exported.stderr
    entries = rispy.loads(out.read_text(encoding="utf-8"))
    assert len(entries) == 68
    assert len({e["id"] for e in entries}) == 68
    assert all(e.get("title") for e in entries)
    assert all(e["notes"][0].startswith(f"harvester cluster {e['id']}") for e in entries)
    csv_out = tmp_path / "review.csv"
    assert (
        run_cli("export", review, "--db", db, "--format", "csv", "--out", csv_out).returncode == 0
    )
    assert len(csv_out.read_text(encoding="utf-8").splitlines()) == 69


def test_second_run_says_nothing_was_stored_twice(server: ReplayServer, tmp_path: Path) -> None:
    review = write_review(tmp_path / "review.toml", server.url)
    db = tmp_path / "store.duckdb"
    assert run_cli("run", review, "--db", db).returncode == 0
    again = run_cli("run", review, "--db", db)
    assert again.returncode == 0, again.stderr
    assert "98 of 98 records were already in the store" in again.stdout
    assert "no record is stored twice" in again.stdout
    assert "0 new since the previous snapshot" in again.stdout


@pytest.mark.parametrize("name", sorted(RECORDINGS))
def test_connectors_parse_on_every_recording(name: str) -> None:
    # An entry may name its connector (ojs/ is read by oai_pmh), the error line it must give
    # ("error"), or how many works it holds when that differs from its records ("works").
    entry = RECORDINGS[name]
    source = entry.get("connector", name.split("/")[0])
    result = run_cli("connectors", "parse", source, API / name)
    status = entry["status"] or 200
    error = entry.get("error", "API error: " if status >= 400 and "works" not in entry else None)
    if error is not None:
        assert result.returncode == 2
        assert result.stdout == ""
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"error: {source}: ") and error in line
        assert "Traceback" not in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == entry.get("works", entry["records"])
        if "dois" in entry:
            assert sum(1 for line in lines if json.loads(line)["doi"]) == entry["dois"]
        for line in lines:
            work = json.loads(line)
            assert {
                "source",
                "source_id",
                "doi",
                "title",
                "authors",
                "year",
                "venue",
                "abstract",
                "type",
                "language",
                "url",
                "ids",
            } <= work.keys()
            if work["doi"]:
                assert work["doi"] == work["doi"].lower()
                assert not work["doi"].startswith(("http", "doi:"))
        # Every identifier the page holds reaches the output (counted from the raw recordings).
        works = [json.loads(line) for line in lines]
        for kind, count in RECORDINGS[name].get("ids", {}).items():
            found = [w for w in works if (w["doi"] if kind == "doi" else w["ids"].get(kind))]
            assert len(found) == count, kind


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_unknown_connector_lists_the_known_ones() -> None:
    line = one_error_line(
        run_cli(
            "connectors", "parse", "crosref", API / "crossref" / "works-query-ecology-rows2.json"
        )
    )
    assert line == f"error: unknown connector 'crosref'; known: {', '.join(connectors())}"


def test_malformed_review_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[review]\ntitle = "x\n')
    db = tmp_path / "store.duckdb"
    line = one_error_line(run_cli("run", bad, "--db", db))
    assert line.startswith(f"error: {bad}: line 2, column")
    assert not db.exists()  # nothing touched


def test_unknown_source_option(tmp_path: Path, server: ReplayServer) -> None:
    review = write_review(tmp_path / "review.toml", server.url)
    line = one_error_line(
        run_cli("run", review, "--db", tmp_path / "s.duckdb", "--source", "pubmd")
    )
    assert line == f"error: {review}: --source: unknown source 'pubmd'; known: crossref, openalex"
    assert not (tmp_path / "s.duckdb").exists()


def test_export_before_any_run_and_to_an_unwritable_place(
    tmp_path: Path, server: ReplayServer
) -> None:
    review = write_review(tmp_path / "review.toml", server.url)
    db = tmp_path / "store.duckdb"
    line = one_error_line(
        run_cli("export", review, "--db", db, "--format", "ris", "--out", tmp_path / "x.ris")
    )
    assert "no store at" in line
    assert run_cli("run", review, "--db", db).returncode == 0
    line = one_error_line(
        run_cli(
            "export",
            review,
            "--db",
            db,
            "--format",
            "ris",
            "--out",
            tmp_path / "no" / "such" / "dir" / "x.ris",
        )
    )
    assert "does not exist" in line
    line = one_error_line(
        run_cli(
            "export",
            review,
            "--db",
            db,
            "--format",
            "ris",
            "--snapshot",
            "99",
            "--out",
            tmp_path / "x.ris",
        )
    )
    assert line == "error: no snapshot 99"
    assert not (tmp_path / "x.ris").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_export_to_a_read_only_directory(tmp_path: Path, server: ReplayServer) -> None:
    review = write_review(tmp_path / "review.toml", server.url)
    db = tmp_path / "store.duckdb"
    assert run_cli("run", review, "--db", db).returncode == 0
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    line = one_error_line(
        run_cli("export", review, "--db", db, "--format", "csv", "--out", locked / "x.csv")
    )
    assert "cannot write" in line


def test_connectors_list() -> None:
    listed = run_cli("connectors", "list")
    assert listed.returncode == 0
    assert "crossref" in listed.stdout and "OPENALEX_API_KEY" in listed.stdout


def test_a_second_writer_gets_one_line_naming_the_holder(
    tmp_path: Path, server: ReplayServer
) -> None:
    import subprocess
    import sys

    review = write_review(tmp_path / "review.toml", server.url)
    db = tmp_path / "store.duckdb"
    assert run_cli("run", review, "--db", db).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]);"
            " print('ready', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        line = one_error_line(run_cli("run", review, "--db", db))
        assert f"is locked by pid {holder.pid}" in line
    finally:
        holder.kill()
        holder.wait()
