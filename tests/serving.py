"""`harvester serve` as a subprocess for end-to-end tests: its log, its port, its signals."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

FAST = ("--port", "0", "--jitter", "0")  # any free port; scheduled runs start on the minute
_PORT = re.compile(r"status page on http://[^:]+:(\d+)/")


class Served:
    """A running `harvester serve`; stderr is read in a thread so the process never blocks."""

    def __init__(self, *args: str | Path, env: dict[str, str] | None = None) -> None:
        full_env = {**os.environ, **(env or {})}
        full_env.pop("HARVESTER_DB", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harvester", "serve", *map(str, args), *FAST],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        found = self.wait_for(lambda: any(_PORT.search(line) for line in self.lines), 60)
        if not found:
            self.process.kill()
            raise AssertionError("serve did not start:\n" + self.log)
        self.port = int(next(m.group(1) for line in self.lines if (m := _PORT.search(line))))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.process.poll() is not None:
                return condition()
            time.sleep(0.1)
        return False

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, path: str) -> Any:
        status, body = self.get(path)
        assert status == 200, (status, body)
        return json.loads(body)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> tuple[int, float]:
        """Send `sig`; (exit code, seconds until the process ended)."""
        started = time.monotonic()
        self.process.send_signal(sig)
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code, time.monotonic() - started

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def demo_review(
    folder: Path, review_id: str, base_url: str, *, schedule: str = "daily", extra: str = ""
) -> Path:
    """The demo review (config/reviews/demo.toml) under another id, answered by `base_url`.

    Daily by default: at start it runs once (it never ran), and no slot comes round mid-test.
    """
    text = (ROOT / "config" / "reviews" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('id = "demo"', f'id = "{review_id}"')
    text = text.replace('schedule = "weekly"', f'schedule = "{schedule}"')
    text = text.replace("http://127.0.0.1:8765", base_url)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{review_id}.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path
