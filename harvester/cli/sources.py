"""`harvester sources probe`: find a journal's OAI-PMH endpoint and print its registry entry."""

from __future__ import annotations

import json

import click

from harvester.http import HttpClient
from harvester.probe import RegistryEntry, http_fetcher, probe, short_name


@click.group("sources")
def sources_group() -> None:
    """Find and describe OAI-PMH sources."""


@sources_group.command("probe")
@click.argument("url")
@click.option(
    "--rate-limit", type=float, default=1.0, show_default=True, help="Requests per second."
)
@click.option("--contact", default=None, help="E-mail sent in the User-Agent (polite harvesting).")
def probe_command(url: str, rate_limit: float, contact: str | None) -> None:
    """Probe URL (a journal's web address or an OAI base URL) and print a registry entry.

    Tries the journal's own OJS endpoint (/index.php/<journal>/oai), then the site-wide one
    (/index.php/index/oai, the journal as a set); asks Identify, ListMetadataFormats and
    ListSets, and reads one page of records for the ISSN and publisher.
    """
    with HttpClient(contact=contact, max_attempts=2) as http:
        entry = probe(http_fetcher(http, rate_limit), url)
    click.echo(to_toml(entry, url), nl=False)


def _toml(value: str | tuple[str, ...]) -> str:
    # A JSON string is a TOML basic string (same escapes); a list of them, a TOML array.
    return json.dumps(value if isinstance(value, str) else list(value), ensure_ascii=False)


def to_toml(entry: RegistryEntry, probed_from: str) -> str:
    """The entry as a registry table, ready to paste into config/sources/*.toml."""
    identity = entry.identity
    fields: list[tuple[str, str | tuple[str, ...] | None]] = [
        ("name", short_name(entry)),
        ("title", entry.name),
        ("base_url", entry.base_url),
        ("set", entry.set_spec),
        ("issn", entry.issn or None),
        ("publisher", entry.publisher),
        ("granularity", identity.granularity),
        ("earliest_datestamp", identity.earliest_datestamp),
        ("metadata_formats", entry.formats or None),
    ]
    lines = [
        f"# probed from {probed_from}: Identify, ListMetadataFormats, ListSets answered",
        f"# software: {identity.toolkit or 'not stated'}",
        "[[journal]]",
    ]
    lines += [f"{key} = {_toml(value)}" for key, value in fields if value is not None]
    lines.append("verified = false  # until its first successful harvest")
    return "\n".join(lines) + "\n"
