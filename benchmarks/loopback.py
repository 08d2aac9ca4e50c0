"""A loopback server for the harvest benchmark, in its own process (its memory and CPU apart
from the harvest measured): `GET /<set>/<source>/works?cursor=C` answers the file
<folder>/<set>/<source>/<n>.json, where the cursor is "*" for page 0 and "p<n>" after it.

    python -m benchmarks.loopback FOLDER   # prints the port it listens on, then serves
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks import ROOT


def handler(folder: Path) -> type[BaseHTTPRequestHandler]:
    class Pages(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real APIs answer

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            cursor = parse_qs(url.query).get("cursor", ["*"])[0]
            number = "0" if cursor == "*" else cursor.removeprefix("p")
            file = folder / url.path.strip("/").removesuffix("/works") / f"{number}.json"
            body = file.read_bytes() if number.isdigit() and file.is_file() else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Pages


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The server's base URL while it runs in a child process."""
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loopback", str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        yield f"http://127.0.0.1:{child.stdout.readline().strip()}"
    finally:
        child.terminate()
        child.wait()


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(Path(sys.argv[1])))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
