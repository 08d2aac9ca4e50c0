"""One review as the pages and the JSON API show it: its file, its plan, its stored history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from harvester.service import status
from harvester.service.service import LiveReview
from harvester.store import Store


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def summary(store: Store, live: LiveReview) -> dict[str, Any]:
    review = live.served.review
    review_id = review.id if review else None
    snapshots = status.snapshot_rows(store, review_id) if review_id else []
    return {
        "id": review_id,
        "title": review.title if review else str(live.served.path),
        "schedule": review.schedule if review else None,
        "file": str(live.served.path),
        "problems": live.served.problems,
        "state": live.state,
        "next_run": live.entry.next_due if live.entry else None,
        "attempt": live.entry.attempt if live.entry else 0,
        "last_job_error": live.entry.last_error if live.entry else None,
        "last_run": status.last_run(store, review_id) if review_id else None,
        "snapshots": len(snapshots),
        "sources": []
        if review is None
        else status.source_health(
            store,
            review.id,
            [s.name for s in review.sources],
            {s.name: s.group for s in review.sources},
        ),
    }


def api_review(store: Store, live: LiveReview) -> dict[str, Any]:
    row = summary(store, live)
    last = row["last_run"]
    return {
        "id": row["id"],
        "title": row["title"],
        "schedule": row["schedule"],
        "file": row["file"],
        "problems": list(row["problems"]),
        "state": row["state"],
        "next_run": iso(row["next_run"]),
        "snapshots": row["snapshots"],
        "last_run": None
        if last is None
        else {
            "run_id": last.run_id,
            "status": last.status,
            "started_at": iso(last.started_at),
            "finished_at": iso(last.finished_at),
            "new_records": last.new_records,
            "snapshot_id": last.snapshot_id,
        },
        "sources": [
            {
                "source": s.source,
                "group": s.group,
                "last_status": s.last_status,
                "last_success": iso(s.last_success),
                "failures_in_a_row": s.failures_in_a_row,
                "last_error": s.last_error,
            }
            for s in row["sources"]
        ],
    }
