"""The snapshots-and-exports guide cannot drift from the code it documents."""

from __future__ import annotations

import json
import re

from harvester.cli import cli
from harvester.exports import FORMATS
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "snapshots-and-exports.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_export_format_is_documented_and_offered() -> None:
    for name in FORMATS:
        assert f"| `{name}` |" in GUIDE, name
        assert name in README.split("harvester export REVIEW_FILE --format ", 1)[1].split()[0]


def test_every_reporting_command_is_documented() -> None:
    import click

    ctx = click.Context(cli)
    for name in ("snapshots", "prisma", "searchlog", "export"):
        assert name in cli.list_commands(ctx), name
        assert f"`harvester {name}" in README, name
        assert f"harvester {name}" in GUIDE, name
    snapshots = cli.get_command(ctx, "snapshots")
    for sub in ("list", "show", "diff"):
        assert sub in snapshots.commands  # type: ignore[union-attr]


def test_the_prisma_example_adds_up() -> None:
    (example,) = re.findall(r"```json\n(.*?)```", GUIDE, flags=re.DOTALL)
    report = json.loads(example)
    for flow in [u["flow"] for u in report["updates"]] + [report["cumulative"]]:
        assert flow["identified_total"] == sum(flow["identified"].values())
        assert (
            flow["identified_total"] - flow["duplicates_removed"] - flow["ineligible"]
            == flow["to_screen"]
        )
