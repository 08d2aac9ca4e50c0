"""Every report a stored snapshot feeds, written to files: the outputs an old store must still
give, byte for byte, after a migration (tests/fixtures/store-v9, tests/test_store_migration.py).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

EXPORT_FORMATS = ("asreview", "bibtex", "csv", "jsonl", "rayyan", "ris")
SNAPSHOTS = (1, 2, 3, 4)
DIFFS = ((1, 2), (2, 3), (3, 4), (1, 4))


def _cli(db: Path, *args: str | Path) -> str:
    result = run_cli(*args, "--db", db)
    assert result.returncode == 0, result.stderr
    return result.stdout


def write_outputs(db: Path, review: Path, out: Path) -> list[str]:
    """Write every output of the store's snapshots into `out`; the names written."""
    out.mkdir(parents=True, exist_ok=True)
    names = []

    def text(name: str, *args: str | Path) -> None:
        (out / name).write_text(_cli(db, *args), encoding="utf-8")
        names.append(name)

    text("list.txt", "snapshots", "list", review)
    for snapshot in SNAPSHOTS:
        text(f"show-{snapshot}.txt", "snapshots", "show", str(snapshot))
        text(f"show-{snapshot}.json", "snapshots", "show", str(snapshot), "--json")
        for fmt in EXPORT_FORMATS:
            name = f"export-{snapshot}.{fmt}"
            _cli(
                db,
                "export",
                review,
                "--format",
                fmt,
                "--snapshot",
                str(snapshot),
                "--out",
                out / name,
            )
            names.append(name)
        name = f"export-new-{snapshot}.jsonl"
        _cli(
            db,
            "export",
            review,
            "--format",
            "jsonl",
            "--snapshot",
            str(snapshot),
            "--new-since",
            "1",
            "--out",
            out / name,
        )
        names.append(name)
        _cli(
            db,
            "prisma",
            review,
            "--snapshot",
            str(snapshot),
            "--out",
            out / f"prisma-{snapshot}.svg",
            "--json",
            out / f"prisma-{snapshot}.json",
        )
        names += [f"prisma-{snapshot}.svg", f"prisma-{snapshot}.json"]
    for old, new in DIFFS:
        text(f"diff-{old}-{new}.txt", "snapshots", "diff", str(old), str(new))
        text(f"diff-{old}-{new}.json", "snapshots", "diff", str(old), str(new), "--json")
    return names
