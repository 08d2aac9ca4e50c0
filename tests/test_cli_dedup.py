"""`harvester dedup` as a user runs it: a subprocess, real files, one line on bad input."""

from __future__ import annotations

import csv
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli

INPUTS = FIXTURES / "inputs"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_one_row_per_record_with_cluster_canonical_and_reason(tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    merged = tmp_path / "merged.bib"
    result = run_cli(
        "dedup",
        INPUTS / "scopus.ris",
        INPUTS / "wos.bib",
        INPUTS / "endnote.xml",
        "--out",
        out,
        "--deduplicated",
        merged,
        "--format",
        "bibtex",
    )
    assert result.returncode == 0, result.stderr
    table = rows(out)
    assert [r["record_id"] for r in table] == [
        "S1",
        "S2",
        "S3",
        "smith2019",
        "garcia2020",
        "garcia2020b",
        "17",
        "18",
    ]
    by_id = {r["record_id"]: r for r in table}
    # The same article in three files: one cluster, one record kept, a reason for the others.
    assert (
        by_id["S2"]["cluster_id"] == by_id["smith2019"]["cluster_id"] == by_id["17"]["cluster_id"]
    )
    assert by_id["smith2019"]["reason"].startswith("same DOI")
    # An erratum and Part 2 stay apart.
    assert by_id["S3"]["cluster_id"] != by_id["S2"]["cluster_id"]
    assert by_id["garcia2020b"]["cluster_id"] != by_id["garcia2020"]["cluster_id"]
    assert by_id["S3"]["file"].endswith("scopus.ris")
    entries = re.findall(r"^@\w+\{(C\d+),", merged.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(entries) == len({r["cluster_id"] for r in table}) == 6
    assert "8 records, 6 clusters, 2 duplicates" in result.stderr


def test_single_file_output_has_no_file_columns(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run_cli("dedup", INPUTS / "pubmed.nbib", "--out", out)
    assert result.returncode == 0, result.stderr
    table = rows(out)
    assert list(table[0]) == ["record_id", "cluster_id", "canonical", "reason"]
    assert "linked to 31234568" in table[0]["reason"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"Title,Author\nCaf\xe9,Doe J\n", "line 2: not valid UTF-8"),
        (b"Author,Year\nDoe J,2020\n", "no title column"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "export.csv"
    bad.write_bytes(content)
    out = tmp_path / "out.csv"
    merged = tmp_path / "merged.ris"
    result = run_cli("dedup", INPUTS / "scopus.ris", bad, "--out", out, "--deduplicated", merged)
    assert result.returncode == 2
    # What was read before the bad file is said; then the one error line.
    *read, error = result.stderr.strip().splitlines()
    assert read == [f"read 3 records from {INPUTS / 'scopus.ris'}"], result.stderr
    assert str(bad) in error and message in error and error.startswith("error: ")
    assert not out.exists() and not merged.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_missing_file_is_named(tmp_path: Path) -> None:
    result = run_cli("dedup", tmp_path / "nope.ris", "--out", tmp_path / "o.csv")
    assert result.returncode == 2
    assert "nope.ris: no such file" in result.stderr


def test_readme_dedup_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = [line for line in readme.splitlines() if line.startswith("harvester dedup ")]
    shutil.copytree(INPUTS, tmp_path / "tests" / "fixtures" / "inputs")
    result = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(rows(tmp_path / "clusters.csv")) == 10
    assert (tmp_path / "merged.ris").read_text(encoding="utf-8").count("ER  -") == 7


def test_an_unwritable_second_output_writes_neither(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run_cli(
        "dedup", INPUTS / "scopus.ris", "--out", out, "--deduplicated", tmp_path / "no" / "m.ris"
    )
    assert result.returncode == 2
    assert "directory" in result.stderr and "does not exist" in result.stderr
    assert not out.exists()
