"""The `harvester` command line.

Every HarvestError becomes one line on stderr and exit code 2; a run in which a source failed
exits 1 after its summary; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from harvester import __version__
from harvester.errors import ConfigError, HarvestError

USER_ERROR = 2

# Each command's module is imported only when the command runs (or its help is shown):
# `harvester dedup` does not load the HTTP stack, the scheduler or the exporters.
COMMANDS = {
    "run": "harvester.cli.run:run_command",
    "connectors": "harvester.cli.connectors:connectors_group",
    "export": "harvester.cli.export:export_command",
    "replay": "harvester.cli.replay:replay_command",
    "serve": "harvester.cli.serve:serve_command",
    "snapshots": "harvester.cli.snapshots:snapshots_group",
    "sources": "harvester.cli.sources:sources_group",
    "prisma": "harvester.cli.report:prisma_command",
    "searchlog": "harvester.cli.report:searchlog_command",
    "query": "harvester.cli.query:query_group",
    "dedup": "harvester.cli.dedup:dedup_command",
}


class HarvesterGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(USER_ERROR)
        except HarvestError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(USER_ERROR)
        except KeyboardInterrupt:
            click.echo("interrupted: committed pages are kept; run again to resume", err=True)
            sys.exit(130)


@click.group(cls=HarvesterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harvester")
def cli() -> None:
    """Harvest, deduplicate and snapshot the literature of living systematic reviews."""


def main() -> None:
    cli(prog_name="harvester")
