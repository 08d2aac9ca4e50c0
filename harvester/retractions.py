"""Which clusters are retracted: a member says so itself, or a notice in the store points at it.

Sources flag retractions two ways. The record itself (OpenAlex `is_retracted`, Crossref
`updated-by` of type retraction) sets `Work.retracted`; a retraction notice (Crossref
`update-to`) is a record of its own that names the DOI it retracts in `Work.retracts`. The
notice may come from another source, another review or a later run than the article, so the
store is asked as a whole, at snapshot time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harvester.store import Store


def retraction_notices(store: Store) -> dict[str, list[str]]:
    """Retracted DOI -> the notices (their DOIs, or record ids) that retract it."""
    rows = store.rows(
        """SELECT target, list(DISTINCT notice ORDER BY notice)
           FROM (SELECT unnest(retracts) AS target, coalesce(doi, work_id) AS notice
                 FROM works WHERE NOT deleted AND len(coalesce(retracts, [])) > 0)
           GROUP BY target"""
    )
    return {target: list(notices) for target, notices in rows}


def cluster_retraction(
    members: Sequence[Mapping[str, Any]], notices: Mapping[str, list[str]]
) -> tuple[bool, list[str]]:
    """(retracted, notices naming a member) for one cluster's members."""
    named = sorted({n for m in members if m.get("doi") for n in notices.get(m["doi"], [])})
    return any(m.get("retracted") for m in members) or bool(named), named
