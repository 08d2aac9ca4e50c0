"""Files a reviewer brings that used to lose records without a word: each is read whole or
refused with the line to fix, every file says how many records it gave, and `harvester dedup`
never overwrites an input or leaves one output written when another failed."""

from __future__ import annotations

import csv
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.inputs import read_file
from tests.conftest import ROOT, run_cli

RIS_WITHOUT_LAST_ER = """TY  - JOUR
TI  - Widgets in the wild
AU  - Smith, Jane
PY  - 2020
ER  -

TY  - JOUR
TI  - A census of gadgets
AU  - Doe, Alex
PY  - 2021
"""
RIS_WITHOUT_A_MIDDLE_ER = """TY  - JOUR
TI  - Widgets in the wild
AU  - Smith, Jane
TY  - JOUR
TI  - A census of gadgets
ER  -
TY  - BOOK
TI  - Gizmos: a history
ER  -
"""
CSV_UNCLOSED_QUOTE = (
    'Title,Authors,Year\n"Widgets in the wild",Smith J,2020\n'
    '"A census of gadgets,Doe A,2021\nGizmos: a history,Roe B,2019\nSprockets,Poe C,2018\n'
)
CSV_STRAY_QUOTE = 'Title,Authors,Year\nThe 12" widget,Smith J,2020\nGizmos,Roe B,2019\n'


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        (RIS_WITHOUT_LAST_ER, ["Widgets in the wild", "A census of gadgets"]),
        (
            RIS_WITHOUT_A_MIDDLE_ER,
            ["Widgets in the wild", "A census of gadgets", "Gizmos: a history"],
        ),
        (RIS_WITHOUT_LAST_ER.replace("\n", "\r\n"), ["Widgets in the wild", "A census of gadgets"]),
    ],
)
def test_a_ris_record_without_its_end_line_is_read(
    tmp_path: Path, text: str, titles: list[str]
) -> None:
    records = read_file(written(tmp_path, "export.ris", text))
    assert [r.work.title for r in records] == titles
    assert records[0].work.authors == ("Smith, Jane",)


def test_a_csv_quote_never_closed_stops_with_its_line(tmp_path: Path) -> None:
    bad = written(tmp_path, "export.csv", CSV_UNCLOSED_QUOTE)
    out = tmp_path / "out.csv"
    result = run_cli("dedup", bad, "--out", out)
    assert result.returncode == 2
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"error: {bad}: line 3: a quoted field opened here is never closed")
    assert "the 3 lines from here to the end would be read as one field" in error
    assert not out.exists()


def test_a_stray_quote_inside_a_csv_field_is_read_as_text(tmp_path: Path) -> None:
    records = read_file(written(tmp_path, "export.csv", CSV_STRAY_QUOTE))
    assert [r.work.title for r in records] == ['The 12" widget', "Gizmos"]


def test_every_file_says_how_many_records_it_gave(tmp_path: Path) -> None:
    ris = written(tmp_path, "a.ris", RIS_WITHOUT_LAST_ER)
    table = written(tmp_path, "b.csv", CSV_STRAY_QUOTE)
    result = run_cli("dedup", ris, table, "--out", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"read 2 records from {ris}",
        f"read 2 records from {table}",
    ]
    assert "4 records, 4 clusters, 0 duplicates" in result.stderr


@pytest.mark.parametrize("option", ["--out", "--deduplicated"])
def test_an_output_naming_an_input_is_refused(tmp_path: Path, option: str) -> None:
    ris = written(tmp_path, "a.ris", RIS_WITHOUT_LAST_ER)
    table = written(tmp_path, "b.csv", CSV_STRAY_QUOTE)
    args = ["--out", tmp_path / "out.csv", "--deduplicated", tmp_path / "merged.ris"]
    args[args.index(option) + 1] = tmp_path / "." / "b.csv"  # the same file, spelled otherwise
    result = run_cli("dedup", ris, table, *args)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line == f"error: {option} {tmp_path / '.' / 'b.csv'} is one of the input files; " + (
        "writing it would replace it"
    )
    assert table.read_text(encoding="utf-8") == CSV_STRAY_QUOTE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ris", "b.csv"]


def test_the_two_outputs_cannot_be_one_file(tmp_path: Path) -> None:
    ris = written(tmp_path, "a.ris", RIS_WITHOUT_LAST_ER)
    same = tmp_path / "out.csv"
    result = run_cli("dedup", ris, "--out", same, "--deduplicated", same)
    assert result.returncode == 2 and "is the other output" in result.stderr
    assert not same.exists()


def test_when_the_second_output_fails_neither_is_written(tmp_path: Path) -> None:
    # A file size limit in the child process (as a full disk): the clusters table fits, the
    # merged RIS with its abstracts does not.
    abstract = "A long abstract about widgets. " * 40
    text = "".join(
        f"TY  - JOUR\nTI  - Widget study number {n}\nAU  - Author{n}, A\nPY  - 2020\n"
        f"AB  - {abstract}\nER  - \n\n"
        for n in range(20)
    )
    ris = written(tmp_path, "a.ris", text)
    out, merged = tmp_path / "out.csv", tmp_path / "merged.ris"
    out.write_text("the table of an earlier run\n", encoding="utf-8")

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    command = ["dedup", ris, "--out", out, "--deduplicated", merged]
    result = subprocess.run(
        [sys.executable, "-m", "harvester", *map(str, command)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"error: cannot write {merged}: File too large"
    assert out.read_text(encoding="utf-8") == "the table of an earlier run\n"  # untouched
    assert not merged.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ris", "out.csv"]  # no temp left
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert len(rows) == 1
