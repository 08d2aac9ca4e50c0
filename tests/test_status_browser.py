"""The status page in a real browser: Debian's Chromium driven by Playwright (no browser
download). Opens `/`, follows a review, sees the PRISMA figure, downloads a RIS export and
reads it back with rispy. Skipped, with the reason, where the browser or Playwright is missing.
Set HARVESTER_SCREENSHOT=FILE.png to keep a screenshot of the review page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import rispy

from harvester.replay import ReplayServer
from tests.conftest import REPLAY
from tests.serving import Served, demo_review

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no system Chromium at {CHROMIUM} (apt-get install chromium)"
)


def test_follow_a_review_see_the_prisma_figure_and_download_ris(tmp_path: Path) -> None:
    with ReplayServer(REPLAY / "demo") as replay:
        demo_review(tmp_path / "reviews", "browsed", replay.url)
        with Served(tmp_path / "reviews", "--db", tmp_path / "store.duckdb") as served:
            assert served.wait_for(lambda: served.json("/api/reviews")[0]["snapshots"] == 1, 60), (
                served.log
            )
            clusters = served.json("/api/reviews")[0]["last_run"]["new_records"]
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch_persistent_context(
                    str(tmp_path / "profile"),  # an empty user-data-dir
                    executable_path=str(CHROMIUM),
                    args=LAUNCH_ARGS,
                    headless=True,
                    accept_downloads=True,
                    java_script_enabled=False,  # the page works without JavaScript
                    viewport={"width": 1280, "height": 1000},
                )
                try:
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{served.port}/")
                    assert page.title() == "Reviews · harvester"
                    page.click("text=Demo: recorded Crossref and OpenAlex pages replayed offline")
                    page.wait_for_url("**/reviews/browsed")
                    figure = page.locator("figure.prisma svg[role=img]")
                    assert figure.is_visible()
                    assert "Records identified from" in (figure.text_content() or "")
                    box = figure.bounding_box()
                    assert box is not None and box["width"] > 300 and box["height"] > 300
                    shot = tmp_path / "review.png"
                    page.screenshot(path=str(shot), full_page=True)
                    if os.environ.get("HARVESTER_SCREENSHOT"):
                        shutil.copy(shot, os.environ["HARVESTER_SCREENSHOT"])
                    with page.expect_download() as download_info:
                        page.click("a[href='/reviews/browsed/snapshots/1/export/ris']")
                    download = download_info.value
                    assert download.suggested_filename == "browsed-snapshot-1.ris"
                    saved = tmp_path / download.suggested_filename
                    download.save_as(str(saved))
                finally:
                    browser.close()
            served.stop()
    with saved.open(encoding="utf-8") as stream:
        entries = rispy.load(stream)
    assert len(entries) == clusters
    assert all(entry.get("title") or entry.get("primary_title") for entry in entries)
