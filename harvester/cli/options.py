"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from harvester.store import DEFAULT_PATH

db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_PATH,
    envvar="HARVESTER_DB",
    show_default=True,
    show_envvar=True,
    help="DuckDB store file (created with its directory if missing).",
)
