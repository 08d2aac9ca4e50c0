"""`harvester sources probe`: find a journal's OAI-PMH endpoint and print its registry entry."""

from __future__ import annotations

import click

from harvester.http import HttpClient
from harvester.probe import http_fetcher, probe, to_toml


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
