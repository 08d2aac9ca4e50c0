"""The `harvester` command line.

Every HarvestError becomes one line on stderr and exit code 2; a run in which a source failed
exits 1 after its summary; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from harvester import __version__
from harvester.cli.connectors import connectors_group
from harvester.cli.dedup import dedup_command
from harvester.cli.export import export_command
from harvester.cli.query import query_group
from harvester.cli.replay import replay_command
from harvester.cli.report import prisma_command, searchlog_command
from harvester.cli.run import run_command
from harvester.cli.serve import serve_command
from harvester.cli.snapshots import snapshots_group
from harvester.errors import ConfigError, HarvestError

USER_ERROR = 2


class HarvesterGroup(click.Group):
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


cli.add_command(run_command)
cli.add_command(connectors_group)
cli.add_command(export_command)
cli.add_command(replay_command)
cli.add_command(serve_command)
cli.add_command(snapshots_group)
cli.add_command(prisma_command)
cli.add_command(searchlog_command)
cli.add_command(query_group)
cli.add_command(dedup_command)


def main() -> None:
    cli(prog_name="harvester")
