"""`harvester query explain`: what each source of a review is asked, and what is approximated."""

from __future__ import annotations

from pathlib import Path

import click

from harvester.explain import plan_source
from harvester.query.nodes import to_text
from harvester.review import load_review
from harvester.runner import build_connector


@click.group("query")
def query_group() -> None:
    """Check a review's search strategy and how each source is asked for it."""


@query_group.command("explain")
@click.argument("review_file", type=click.Path(path_type=Path))
def explain_command(review_file: Path) -> None:
    """Print, per source of REVIEW_FILE, the exact request and what it approximates.

    Runs store the same text per source, for the search log. Nothing is sent to any source.
    """
    review = load_review(review_file)
    query = review.query
    years = f"{query.year_from or '...'}-{query.year_to or '...'}"
    click.echo(f"Strategy of {review.id} (as read): {to_text(query.ast)}")
    click.echo(f"Publication years: {years if query.year_from or query.year_to else 'any'}")
    plans = [
        plan_source(build_connector(s, review), review.query_for(s), local_filter=s.local_filter)
        for s in review.sources
        if s.files is None
    ]
    for plan in plans:
        click.echo("")
        click.echo(plan.text)
    for source in review.sources:
        if source.files is not None:
            click.echo("")
            click.echo(
                f"{source.name} (files): exported files {source.files.path}, imported as they "
                "are; the query each was run with is the one declared in [[sources.searches]]"
            )
    approximated = sum(1 for p in plans if not p.translation.exact)
    click.echo("")
    click.echo(
        f"{len(plans)} sources: {len(plans) - approximated} exact, {approximated} approximated "
        "(their records pass the local filter)."
    )
