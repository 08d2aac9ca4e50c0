"""The read-only status page and JSON API (Starlette, served by uvicorn in the service).

Pages are rendered on the server by Jinja2 with autoescaping on, so every value from a record or
a review file is escaped, and they work without JavaScript. The one action is "run now": a POST
that carries a per-review CSRF token and is refused from another origin. Authentication and the
security headers are in guard.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from harvester import __version__
from harvester.exports import FORMATS
from harvester.exports.files import export_records
from harvester.exports.stream import scope_ids, stream_records
from harvester.reporting.diff import diff_snapshots
from harvester.reporting.prisma import prisma_report
from harvester.reporting.prisma_svg import prisma_svg
from harvester.reporting.searchlog import search_log
from harvester.secrets import mask
from harvester.service import status
from harvester.service.guard import ASGIApp, guard, same_origin
from harvester.service.service import LiveReview
from harvester.service.views import api_review, summary
from harvester.store import Store

EXTENSIONS = {
    "ris": "ris",
    "csv": "csv",
    "bibtex": "bib",
    "asreview": "asreview.csv",
    "rayyan": "rayyan.csv",
    "jsonl": "jsonl",
}


class ServiceView(Protocol):
    """What the web app needs from the service (and a test can provide without one)."""

    def reader(self) -> AbstractContextManager[Store]: ...

    def live(self) -> list[LiveReview]: ...

    def healthy(self) -> tuple[bool, dict[str, object]]: ...

    def run_now(self, review_id: str) -> bool: ...


@dataclass(frozen=True)
class WebConfig:
    token: str | None
    csrf_secret: bytes


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("harvester.service", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["mask"] = lambda text: mask(str(text)) if text else text
    env.globals["version"] = __version__
    env.globals["formats"] = EXTENSIONS
    return env


def create_app(service: ServiceView, config: WebConfig) -> ASGIApp:
    env = _environment()

    def page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)

    def csrf(review_id: str) -> str:
        return hmac.new(config.csrf_secret, f"run:{review_id}".encode(), hashlib.sha256).hexdigest()

    def find(review_id: str) -> LiveReview | None:
        return next(
            (r for r in service.live() if r.served.review and r.served.review.id == review_id), None
        )

    def not_found(what: str) -> HTMLResponse:
        return page("error.html", 404, title="Not found", message=what)

    def index(request: Request) -> Response:
        with service.reader() as store:
            rows = [summary(store, live) for live in service.live()]
        ok, health = service.healthy()
        return page("index.html", reviews=rows, health=health, ok=ok)

    def review_page(request: Request) -> Response:
        live = find(request.path_params["review_id"])
        if live is None or live.served.review is None:
            return not_found(f"no review {request.path_params['review_id']!r} is served here")
        review = live.served.review
        with service.reader() as store:
            overview = summary(store, live)
            snapshots = status.snapshot_rows(store, review.id)
            latest = snapshots[0] if snapshots else None
            diff = (
                diff_snapshots(store, latest.previous, latest.snapshot_id)
                if latest and latest.previous
                else None
            )
            figure = (
                _inline_svg(
                    prisma_svg(prisma_report(store, review.id, latest.snapshot_id), review.title)
                )
                if latest
                else None
            )
            log_text = mask(search_log(store, review, latest.snapshot_id)) if latest else None
            history = status.runs(store, review.id)
        return page(
            "review.html",
            r=overview,
            review=review,
            snapshots=snapshots,
            latest=latest,
            diff=diff,
            figure=figure,
            searchlog=log_text,
            runs=history,
            csrf=csrf(review.id),
            queued=request.query_params.get("queued"),
        )

    def snapshot_page(request: Request) -> Response:
        live = find(request.path_params["review_id"])
        if live is None or live.served.review is None:
            return not_found("no such review")
        review = live.served.review
        with service.reader() as store:
            rows = {s.snapshot_id: s for s in status.snapshot_rows(store, review.id)}
            snapshot = rows.get(request.path_params["snapshot_id"])
            if snapshot is None:
                return not_found(f"review {review.id!r} has no such snapshot")
            diff = (
                diff_snapshots(store, snapshot.previous, snapshot.snapshot_id)
                if snapshot.previous
                else None
            )
            links = status.link_rows(store, snapshot.snapshot_id)
        return page(
            "snapshot.html",
            review=review,
            s=snapshot,
            diff=diff,
            links=links,
            snapshots=sorted(rows),
        )

    def export(request: Request) -> Response:
        review_id, snapshot_id = (
            request.path_params["review_id"],
            request.path_params["snapshot_id"],
        )
        fmt = request.path_params["fmt"]
        live = find(review_id)
        if fmt not in FORMATS or live is None or live.served.review is None:
            return not_found("no such review or export format")
        since_text = request.query_params.get("since") or ""
        since = int(since_text) if since_text.isdigit() else None
        # The same streamed writer as `harvester export`, into a temporary file sent and removed.
        folder = Path(tempfile.mkdtemp(prefix="harvester-export-"))
        path = folder / f"export.{EXTENSIONS[fmt]}"
        with service.reader() as store:
            own = {s.snapshot_id for s in status.snapshot_rows(store, review_id)}
            if snapshot_id not in own or (since is not None and since not in own):
                shutil.rmtree(folder)
                return not_found(f"review {review_id!r} has no such snapshot")
            ids = scope_ids(store, snapshot_id, since)
            language = live.served.review.screening_language
            export_records(stream_records(store, snapshot_id, ids, language), fmt, path)
        scope = f"-new-since-{since}" if since is not None else ""
        name = f"{review_id}-snapshot-{snapshot_id}{scope}.{EXTENSIONS[fmt]}"
        media = "application/json" if fmt == "jsonl" else "text/plain"
        return FileResponse(
            path,
            media_type=f"{media}; charset=utf-8",
            filename=name,
            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
        )

    def searchlog_file(request: Request) -> Response:
        live = find(request.path_params["review_id"])
        if live is None or live.served.review is None:
            return not_found("no such review")
        with service.reader() as store:
            rows = status.snapshot_rows(store, live.served.review.id)
            if not rows:
                return not_found("no snapshot yet")
            text = mask(search_log(store, live.served.review, rows[0].snapshot_id))
        name = f"{live.served.review.id}-searchlog.md"
        return Response(
            text,
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def run_now(request: Request) -> Response:
        review_id = request.path_params["review_id"]
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        if not same_origin(request) or not hmac.compare_digest(
            form.get("csrf", ""), csrf(review_id)
        ):
            return page(
                "error.html",
                403,
                title="Refused",
                message="the form did not come from this page; reload it and try again",
            )
        queued = service.run_now(review_id)
        return RedirectResponse(
            f"/reviews/{review_id}?queued={'yes' if queued else 'already'}", status_code=303
        )

    def healthz(request: Request) -> Response:
        ok, details = service.healthy()
        return JSONResponse(details, status_code=200 if ok else 503)

    def api_reviews(request: Request) -> Response:
        with service.reader() as store:
            data = [api_review(store, live) for live in service.live()]
        return Response(
            json.dumps(data, ensure_ascii=False, default=str), media_type="application/json"
        )

    def stylesheet(request: Request) -> Response:
        return Response(env.loader.get_source(env, "style.css")[0], media_type="text/css")  # type: ignore[union-attr]

    routes = [
        Route("/", index),
        Route("/reviews/{review_id}", review_page),
        Route("/reviews/{review_id}/run", run_now, methods=["POST"]),
        Route("/reviews/{review_id}/searchlog.md", searchlog_file),
        Route("/reviews/{review_id}/snapshots/{snapshot_id:int}", snapshot_page),
        Route("/reviews/{review_id}/snapshots/{snapshot_id:int}/export/{fmt}", export),
        Route("/healthz", healthz),
        Route("/api/reviews", api_reviews),
        Route("/style.css", stylesheet),
    ]
    app = Starlette(routes=routes)
    return guard(app, config.token)


def _inline_svg(svg: str) -> str:
    """The PRISMA SVG for inlining in HTML: its text is already XML-escaped by prisma_svg."""
    start = svg.find("<svg")
    return svg[start:].replace("<svg ", '<svg role="img" aria-label="PRISMA 2020 flow diagram" ', 1)
