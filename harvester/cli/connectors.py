"""`harvester connectors list|parse`: what sources exist, and how a saved response maps."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from harvester.errors import InputError
from harvester.registry import connector_class, connectors


@click.group("connectors")
def connectors_group() -> None:
    """Inspect the registered source connectors."""


@connectors_group.command("list")
def list_command() -> None:
    """List every registered connector."""
    table = Table("name", "source", "requests/s", "API key (env)", "class", box=None)
    for name, cls in connectors().items():
        table.add_row(
            name,
            cls.title or name,
            f"{cls.rate_limit:.3g}"
            + (f" ({cls.keyed_rate_limit:g} with key)" if cls.keyed_rate_limit else ""),
            ", ".join(cls.api_key_env) or "-",
            f"{cls.__module__}.{cls.__qualname__}",
        )
    Console(width=200).print(table)


@connectors_group.command("parse")
@click.argument("name")
@click.argument("file", type=click.Path(path_type=Path))
def parse_command(name: str, file: Path) -> None:
    """Map one saved API response FILE to works, printed as JSON Lines."""
    cls = connector_class(name)
    try:
        body = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None
    works, skipped = cls().parse_counted(body)
    out = sys.stdout
    for work in works:
        out.write(work.to_json() + "\n")
    if skipped:
        click.echo(f"skipped {len(skipped)} unusable records (the first: {skipped[0]})", err=True)
