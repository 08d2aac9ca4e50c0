"""Bad input to snapshots, export, prisma and searchlog: one line, exit 2, nothing half-written."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from harvester.replay import ReplayServer
from harvester.store import open_store
from tests.conftest import REPLAY, run_cli, write_review


@dataclass
class Setup:
    review: Path
    other: Path
    db: Path
    tmp: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    tmp = tmp_path_factory.mktemp("errors")
    with ReplayServer(REPLAY / "demo") as server:
        review = write_review(tmp / "review.toml", server.url)
        other = tmp / "other.toml"
        other.write_text(review.read_text().replace('id = "t"', 'id = "other"'))
        db = tmp / "store.duckdb"
        for path in (review, other):  # snapshot 1 is review t's, snapshot 2 review other's
            assert run_cli("run", path, "--db", db).returncode == 0
    return Setup(review, other, db, tmp)


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def handed_out(db: Path) -> tuple[int, int]:
    with open_store(db, read_only=True) as store:
        return (
            store.value("SELECT count(*) FROM screener_exports"),
            store.value("SELECT count(*) FROM screener_clusters"),
        )


def test_unknown_and_foreign_snapshots(setup: Setup) -> None:
    out = setup.tmp / "kept.ris"
    out.write_text("an earlier export\n")
    for args, message in [
        (("--snapshot", "99"), "error: no snapshot 99"),
        (("--snapshot", "2"), "error: snapshot 2 belongs to review 'other', not 't'"),
        (("--new-since", "99"), "error: no snapshot 99"),
        (("--new-since", "2"), "error: snapshot 2 belongs to review 'other', not 't'"),
        (("--snapshot", "99", "--for", "ann"), "error: no snapshot 99"),
    ]:
        result = run_cli(
            "export", setup.review, "--db", setup.db, "--format", "ris", "--out", out, *args
        )
        assert error_line(result) == message
        assert out.read_text() == "an earlier export\n"  # untouched
    assert handed_out(setup.db) == (0, 0)
    assert error_line(run_cli("snapshots", "show", "99", "--db", setup.db)) == (
        "error: no snapshot 99"
    )
    assert error_line(run_cli("snapshots", "diff", "1", "2", "--db", setup.db)) == (
        "error: snapshots 1 and 2 belong to different reviews ('t', 'other')"
    )
    svg, log = setup.tmp / "p.svg", setup.tmp / "log.md"
    line = error_line(
        run_cli("prisma", setup.review, "--db", setup.db, "--snapshot", "2", "--out", svg)
    )
    assert line == "error: snapshot 2 belongs to review 'other', not 't'"
    line = error_line(
        run_cli("searchlog", setup.review, "--db", setup.db, "--snapshot", "7", "--out", log)
    )
    assert line == "error: no snapshot 7"
    assert not svg.exists() and not log.exists()


def test_unwritable_output_paths(setup: Setup) -> None:
    a_file = setup.tmp / "plain.txt"
    a_file.write_text("x")
    cases = [
        (setup.tmp, "it is a directory"),
        (a_file / "x.csv", f"{a_file} is not a directory"),
        (setup.tmp / "no" / "dir" / "x.csv", "does not exist"),
    ]
    for out, message in cases:
        for extra in ((), ("--for", "ann")):
            result = run_cli(
                "export", setup.review, "--db", setup.db, "--format", "csv", "--out", out, *extra
            )
            line = error_line(result)
            assert line.startswith(f"error: cannot write {out}: ") and message in line
        line = error_line(run_cli("searchlog", setup.review, "--db", setup.db, "--out", out))
        assert message in line
    assert handed_out(setup.db) == (0, 0)  # a screener is given nothing that was not written
    # prisma checks both outputs before writing either.
    svg = setup.tmp / "ok.svg"
    result = run_cli("prisma", setup.review, "--db", setup.db, "--out", svg, "--json", cases[2][0])
    assert "does not exist" in error_line(result)
    assert not svg.exists()
    assert not [p for p in setup.tmp.rglob(".*") if p.is_file()]  # no temporary files left


def test_option_mistakes(setup: Setup, tmp_path: Path) -> None:
    out = tmp_path / "x.ris"
    base = ("export", setup.review, "--db", setup.db, "--format", "ris", "--out", out)
    assert error_line(run_cli(*base, "--new-since", "1", "--for", "ann")) == (
        "error: use either --new-since or --for, not both"
    )
    assert error_line(run_cli(*base, "--for", "  ")) == "error: --for needs a screener name"
    assert error_line(run_cli("prisma", setup.review, "--db", setup.db)) == (
        "error: say where to write: --out FILE.svg and/or --json FILE.json"
    )
    missing = tmp_path / "none.duckdb"
    line = error_line(
        run_cli(
            "export", setup.review, "--db", missing, "--format", "ris", "--out", out, "--for", "x"
        )
    )
    assert line.startswith(f"error: no store at {missing}")
    assert not missing.exists() and not out.exists()
