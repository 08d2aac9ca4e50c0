"""A loopback HTTP server that replays recorded API responses (demo, tests, connector work).

A recordings folder holds `routes.toml`::

    [[route]]
    path = "/crossref/works"          # request path ("*": any path)
    query = { cursor = "*" }          # parameters the request must carry (others are ignored)
    file = "crossref-page1.json"      # body, relative to the folder
    status = 200                      # default 200
    content_type = "application/json" # default from the file extension
    phase = 1                         # served from this phase on (default 1)
    fail = [503, 429]                 # statuses sent on the first hits before the body
    retry_after = 1                   # Retry-After header on those failures
    fault = "truncate"                # or "drop", "slow:2.5", "trickle:5" (a byte every 5 s)
    fault_hits = 1                    # only on the first N hits (default: every hit)
    restart = true                    # hitting it restarts the sequences on its path
    redirect = "/elsewhere"           # answer 302 with this Location instead of the body
    headers = { Content-Encoding = "gzip" }  # extra response headers (file sent as it is)

Among the routes a request matches, the one of the highest phase, then with the most required
parameters, wins; several equally good routes are served in order, one per hit, the last one
repeating (a Crossref scroll answers the same cursor with the next page each time).
Every request received is logged (method, path, parameters), so tests can
assert what a harvest asked for. Nothing here is used by a normal run.
"""

from __future__ import annotations

import errno
import json
import re
import sys
import threading
import time
import tomllib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harvester.errors import ConfigError

_SECRET = re.compile(r"key|auth|cookie|token", re.IGNORECASE)
_TYPES = {
    ".json": "application/json",
    ".xml": "text/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass
class Route:
    path: str
    file: Path
    query: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"  # "*": any method
    status: int = 200
    content_type: str = "application/json"
    phase: int = 1
    fail: list[int] = field(default_factory=list)
    retry_after: float | None = None
    fault: str | None = None
    fault_hits: int | None = None
    restart: bool = False
    redirect: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    hits: int = 0

    def matches(self, method: str, path: str, params: Mapping[str, str], phase: int) -> bool:
        return (
            self.method in (method, "*")
            and self.path in (path, "*")
            and self.phase <= phase
            and all(params.get(k) == v for k, v in self.query.items())
        )


def load_routes(folder: Path) -> list[Route]:
    spec = folder / "routes.toml"
    try:
        data = tomllib.loads(spec.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{spec}: no routes.toml in the recordings folder"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{spec}: invalid TOML: {exc}"]) from None
    routes = []
    for index, entry in enumerate(data.get("route", []), start=1):
        try:
            body = (folder / entry["file"]).resolve()
            routes.append(
                Route(
                    path=entry["path"],
                    file=body,
                    query={k: str(v) for k, v in entry.get("query", {}).items()},
                    method=entry.get("method", "GET").upper(),
                    status=int(entry.get("status", 200)),
                    content_type=entry.get("content_type", _TYPES.get(body.suffix, "text/plain")),
                    phase=int(entry.get("phase", 1)),
                    fail=list(entry.get("fail", [])),
                    retry_after=entry.get("retry_after"),
                    fault=entry.get("fault"),
                    fault_hits=entry.get("fault_hits"),
                    restart=bool(entry.get("restart", False)),
                    redirect=entry.get("redirect"),
                    headers={k: str(v) for k, v in entry.get("headers", {}).items()},
                )
            )
        except KeyError as exc:
            raise ConfigError([f"{spec}: route {index}: missing key {exc}"]) from None
        if not body.is_file():
            raise ConfigError([f"{spec}: route {index}: no file {body}"])
    return routes


class ReplayServer:
    """Serve a recordings folder on 127.0.0.1 in a background thread."""

    def __init__(
        self,
        folder: str | Path | None = None,
        *,
        routes: list[Route] | None = None,
        port: int = 0,
        phase: int = 1,
        log: Path | None = None,
    ) -> None:
        self.routes = routes if routes is not None else load_routes(Path(folder or "."))
        self.phase = phase
        self.log = log
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._positions: dict[tuple[str, tuple[int, ...]], int] = {}
        try:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise ConfigError(
                [
                    f"port {port} on 127.0.0.1 is taken (is another `harvester replay` or "
                    "`make demo` still running?); stop it, or choose another --port "
                    "(0 picks a free one)"
                ]
            ) from None
        self._httpd.daemon_threads = True
        self._httpd.handle_error = self._client_gone  # type: ignore[method-assign]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    @staticmethod
    def _client_gone(request: object, client_address: object) -> None:
        """A client that hung up (killed, timed out) is what some faults are for: no traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            traceback.print_exc()

    def reset(self) -> None:
        """Forget hits and sequence positions: the next request starts the recordings over."""
        with self._lock:
            self._positions.clear()
            for route in self.routes:
                route.hits = 0

    def received(self, path: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    def choose(self, method: str, path: str, params: Mapping[str, str]) -> Route | None:
        candidates = [r for r in self.routes if r.matches(method, path, params, self.phase)]
        if not candidates:
            return None
        best = max((r.phase, len(r.query)) for r in candidates)
        tier = [r for r in candidates if (r.phase, len(r.query)) == best]
        with self._lock:
            if tier[0].restart:
                self._positions = {k: v for k, v in self._positions.items() if k[0] != tier[0].path}
            if len(tier) == 1:
                return tier[0]
            # Equal routes form a sequence served one per hit (the last one repeats): how a
            # Crossref scroll answers the same cursor with the next page each time.
            # Wildcard routes form one sequence whatever path asks (esearch, then efetch).
            key = (tier[0].path, tuple(self.routes.index(r) for r in tier))
            position = self._positions.get(key, 0)
            self._positions[key] = position + 1
        return tier[min(position, len(tier) - 1)]

    def _record(
        self, method: str, path: str, params: Mapping[str, str], headers: Mapping[str, str]
    ) -> None:
        entry = {
            "method": method,
            "path": path,
            "params": dict(params),
            "user_agent": headers.get("user-agent", ""),
            # Which headers came (an API key sent as one), never a secret's value.
            "headers": {k: "***" if _SECRET.search(k) else v for k, v in headers.items()},
        }
        with self._lock:
            self.requests.append(entry)
            if self.log:
                with self.log.open("a", encoding="utf-8") as stream:
                    stream.write(json.dumps(entry) + "\n")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._serve("GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self._serve("POST", self.rfile.read(length))

            def _serve(self, method: str, body: bytes) -> None:
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                server._record(method, parts.path, params, headers)
                route = server.choose(method, parts.path, params)
                if route is None:
                    message = json.dumps({"error": f"no recorded response for {self.path}"})
                    self._send(404, message.encode(), "application/json")
                    return
                with server._lock:
                    route.hits += 1
                    hit = route.hits
                if hit <= len(route.fail):
                    headers = {"Retry-After": str(route.retry_after)} if route.retry_after else {}
                    status = int(route.fail[hit - 1])
                    self._send(status, f"replayed failure {status}".encode(), "text/plain", headers)
                    return
                self._deliver(route, hit - len(route.fail))

            def _deliver(self, route: Route, attempt: int) -> None:
                if route.redirect is not None:
                    self._send(302, b"", "text/plain", {"Location": route.redirect})
                    return
                content = route.file.read_bytes()
                faulty = route.fault_hits is None or attempt <= route.fault_hits
                fault = (route.fault or "") if faulty else ""
                if fault.startswith("slow:"):
                    time.sleep(float(fault.split(":", 1)[1]))
                if fault.startswith("trickle:"):
                    self._trickle(route, content, float(fault.split(":", 1)[1]))
                    return
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "truncate":
                    # Promise the whole body, send half, hang up: the client sees a short read.
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content[: len(content) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self._send(route.status, content, route.content_type, route.headers)

            def _trickle(self, route: Route, content: bytes, pause: float) -> None:
                """Headers at once, then the body one byte per `pause` seconds."""
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                try:
                    for index in range(len(content)):
                        self.wfile.write(content[index : index + 1])
                        self.wfile.flush()
                        time.sleep(pause)
                except OSError:  # the client gave up: what a trickle is for
                    self.close_connection = True

            def _send(
                self,
                status: int,
                content: bytes,
                content_type: str,
                headers: Mapping[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(content)

        return Handler
