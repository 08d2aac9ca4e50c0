"""No silent truncation: how a source stopped by `max_records` is reported everywhere.

A run, its summary, the search log and the PRISMA notes all say "capped: N of M" (N records
retrieved, M the source reported) for a source whose run stopped at the review's
`max_records` while the source held more; never only "ok" and a number.
"""

from __future__ import annotations

CAPPED = "capped"


def capped_text(status: str, records: int, total_hits: int | None) -> str | None:
    """ "capped: 100 of 2,345" for a capped source that held more; None otherwise."""
    if status != CAPPED:
        return None
    if total_hits is None:
        return f"capped: {records:,} of an unreported number"
    if total_hits <= records:
        return None  # the cap was reached with the last record: nothing was left behind
    return f"capped: {records:,} of {total_hits:,}"


def capped_note(source: str, status: str, records: int, total_hits: int | None) -> str | None:
    """The line a report adds for a capped source, saying what to do about it."""
    text = capped_text(status, records, total_hits)
    if text is None:
        return None
    return (
        f"{source}: {text} records retrieved (max_records); the rest were not harvested: "
        "raise max_records or narrow the strategy"
    )
