"""Which alerts a finished job raises, read from the store: nothing here sends anything.

A source is "failing" when its latest runs all ended without success; the alert goes out once,
on the run that makes the count reach the threshold, not on every run after. New records are
the snapshot's clusters that its review's previous snapshot lacked; newly retracted ones are
clusters retracted now that were not (or were not there) before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harvester.store import Store

MAX_TITLES = 25  # a digest lists this many titles, then says how many more
SOURCE_OK = ("ok", "capped")


@dataclass(frozen=True)
class Alert:
    event: str  # a key of notify.config.EVENTS
    review_id: str
    review_title: str
    subject: str
    lines: tuple[str, ...]
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join((self.subject, "", *self.lines))

    def payload(self) -> dict[str, Any]:
        """The webhook body: `text` for chat tools, the rest for programs."""
        return {
            "event": self.event,
            "review": {"id": self.review_id, "title": self.review_title},
            "subject": self.subject,
            "text": self.text,
            **self.data,
        }


def run_failed(review_id: str, title: str, run_id: int | None, error: str) -> Alert:
    where = f"run {run_id}" if run_id is not None else "the job"
    return Alert(
        "run_failed",
        review_id,
        title,
        f"[harvester] {review_id}: {where} failed",
        (f"Review: {title}", f"Error: {error}"),
        {"run_id": run_id, "error": error},
    )


def failing_sources(
    store: Store, review_id: str, title: str, run_id: int, threshold: int
) -> list[Alert]:
    alerts = []
    for source, error in store.rows(
        "SELECT source, error FROM run_sources WHERE run_id = ? AND status NOT IN ?",
        [run_id, list(SOURCE_OK)],
    ):
        statuses = [
            row[0]
            for row in store.rows(
                """SELECT s.status FROM run_sources s JOIN runs r USING (run_id)
                   WHERE r.review_id = ? AND s.source = ? AND s.run_id <= ?
                   ORDER BY s.run_id DESC LIMIT ?""",
                [review_id, source, run_id, threshold + 1],
            )
        ]
        streak = next((i for i, s in enumerate(statuses) if s in SOURCE_OK), len(statuses))
        if streak == threshold:
            alerts.append(
                Alert(
                    "source_failing",
                    review_id,
                    title,
                    f"[harvester] {review_id}: {source} failed {threshold} runs in a row",
                    (
                        f"Review: {title}",
                        f"Source: {source}",
                        f"Last error: {error or 'none recorded'}",
                    ),
                    {
                        "source": source,
                        "failures_in_a_row": threshold,
                        "error": error,
                        "run_id": run_id,
                    },
                )
            )
    return alerts


# What a digest lists of a record, read out of the stored JSON by DuckDB: a digest never parses
# a snapshot's records, only those it lists (new, or newly retracted) and only these fields.
_LISTED = """json_object('title', json_extract(n.record, '$.title'),
                        'year', json_extract(n.record, '$.year'),
                        'doi', json_extract(n.record, '$.doi'))"""
_RETRACTED = "coalesce(CAST(json_extract({}.record, '$.retracted') AS BOOLEAN), false)"
_ADDED = f"""
SELECT {_LISTED} FROM snapshot_members n
WHERE n.snapshot_id = $now AND n.cluster_id NOT IN (
    SELECT cluster_id FROM snapshot_members WHERE snapshot_id = $before)
ORDER BY n.cluster_id
"""
_NEWLY_RETRACTED = f"""
SELECT {_LISTED} FROM snapshot_members n
LEFT JOIN snapshot_members b ON b.snapshot_id = $before AND b.cluster_id = n.cluster_id
WHERE n.snapshot_id = $now AND {_RETRACTED.format("n")} AND NOT {_RETRACTED.format("b")}
ORDER BY n.cluster_id
"""


def _listed(store: Store, sql: str, now: int, before: int | None) -> list[dict[str, Any]]:
    rows = store.rows(sql, {"now": now, "before": before})
    return [json.loads(row[0]) for row in rows]


def _by_title(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: str(r.get("title") or "").lower())


def _listing(records: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"- {r.get('title') or '(no title)'}"
        + (f" ({r['year']})" if r.get("year") else "")
        + (f" https://doi.org/{r['doi']}" if r.get("doi") else "")
        for r in records[:MAX_TITLES]
    ]
    if len(records) > MAX_TITLES:
        lines.append(f"... and {len(records) - MAX_TITLES} more")
    return lines


def snapshot_alerts(store: Store, review_id: str, title: str, snapshot_id: int) -> list[Alert]:
    """The new-records digest and the newly-retracted alert of one snapshot."""
    previous = store.value(
        "SELECT max(snapshot_id) FROM snapshots WHERE review_id = ? AND snapshot_id < ?",
        [review_id, snapshot_id],
    )
    total = int(
        store.value("SELECT count(*) FROM snapshot_members WHERE snapshot_id = ?", [snapshot_id])
    )
    added = _by_title(_listed(store, _ADDED, snapshot_id, previous))
    retracted = _by_title(_listed(store, _NEWLY_RETRACTED, snapshot_id, previous))
    alerts = []
    if added:
        alerts.append(
            Alert(
                "new_records",
                review_id,
                title,
                f"[harvester] {review_id}: {len(added)} new records in snapshot {snapshot_id}",
                (
                    f"Review: {title}",
                    f"Snapshot {snapshot_id}: {total} unique records, {len(added)} new since "
                    + (f"snapshot {previous}" if previous else "the first search"),
                    "",
                    *_listing(added),
                ),
                {
                    "snapshot_id": snapshot_id,
                    "previous_snapshot": previous,
                    "new": len(added),
                    "total": total,
                    "titles": [r.get("title") for r in added[:MAX_TITLES]],
                },
            )
        )
    if retracted:
        alerts.append(
            Alert(
                "retracted",
                review_id,
                title,
                f"[harvester] {review_id}: {len(retracted)} record(s) newly retracted",
                (f"Review: {title}", f"Snapshot {snapshot_id}:", "", *_listing(retracted)),
                {
                    "snapshot_id": snapshot_id,
                    "retracted": [
                        {"title": r.get("title"), "doi": r.get("doi")} for r in retracted
                    ],
                },
            )
        )
    return alerts
