"""Alerts reach a local SMTP sink and a local HTTP receiver: a digest of new records, a failed
run, a source failing runs in a row, a newly retracted record; `[notify]` is checked like the
rest of a review file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from harvester.errors import ConfigError
from harvester.notify.config import NotifyConfig, SmtpConfig, load_notify_file
from harvester.notify.events import Alert, snapshot_alerts
from harvester.notify.send import deliver
from harvester.replay import ReplayServer
from harvester.review import load_review
from harvester.scheduler import RetryPolicy
from harvester.service.catalog import ReviewCatalog
from harvester.service.service import Service
from harvester.store import Store, open_store
from tests.conftest import REPLAY
from tests.serving import demo_review
from tests.sinks import SmtpSink, WebhookReceiver
from tests.test_service import drain


def notify_table(webhook: str, smtp_port: int, extra: str = "") -> str:
    return (
        f'\n[notify]\nwebhook = "{webhook}"\nemail_to = ["team@example.org"]\n'
        f'email_from = "harvester@example.org"\nsmtp_host = "127.0.0.1"\n'
        f'smtp_port = {smtp_port}\nsmtp_security = "none"\n{extra}'
    )


@pytest.fixture
def sinks() -> Iterator[tuple[SmtpSink, WebhookReceiver]]:
    with SmtpSink() as smtp, WebhookReceiver() as hook:
        yield smtp, hook


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store.duckdb") as opened:
        yield opened


def test_a_snapshot_with_new_records_sends_a_digest(
    tmp_path: Path, sinks: tuple[SmtpSink, WebhookReceiver], store: Store
) -> None:
    smtp, hook = sinks
    with ReplayServer(REPLAY / "demo") as replay:
        notify = notify_table(hook.url, smtp.port)
        demo_review(tmp_path / "reviews", "digest", replay.url, extra=notify)
        service = Service(ReviewCatalog([tmp_path / "reviews"]), store, policy=RetryPolicy())
        assert drain(service) == ["ok"]
    (post,) = hook.posts
    assert post["event"] == "new_records" and post["review"]["id"] == "digest"
    assert post["new"] == post["total"] > 0
    assert post["text"].startswith("[harvester] digest:")  # chat tools show `text`
    (mail,) = smtp.messages
    assert mail["Subject"] == post["subject"]
    assert smtp.envelopes == [("harvester@example.org", ["team@example.org"])]
    body = mail.get_content()  # type: ignore[attr-defined]
    assert post["titles"][0] in body and "... and" in body


def test_a_failed_run_and_a_source_failing_in_a_row_are_alerted_once(
    tmp_path: Path, sinks: tuple[SmtpSink, WebhookReceiver], store: Store
) -> None:
    smtp, hook = sinks
    with ReplayServer(REPLAY / "demo") as replay:
        notify = notify_table(
            hook.url, smtp.port, 'events = ["run_failed", "source_failing"]\nsource_failures = 2\n'
        )
        demo_review(tmp_path / "reviews", "down", replay.url + "/gone", extra=notify)
        service = Service(ReviewCatalog([tmp_path / "reviews"]), store, policy=RetryPolicy())
        service.catalog.scan()
        events = []
        for _ in range(3):
            service.run_now("down")
            while (job := service.queue.take(0)) is not None:
                service.worker.run(job)
                service.queue.done(job)
            events.append(sorted(p["event"] for p in hook.posts))
            hook.posts.clear()
    assert events[0] == ["run_failed"]
    # The second failure in a row: each source reaches the threshold, once.
    assert events[1] == ["run_failed", "source_failing", "source_failing"]
    assert events[2] == ["run_failed"]
    assert len(smtp.messages) == 5  # each alert by e-mail too
    assert all("HTTP 404" in m.get_content() for m in smtp.messages)  # type: ignore[attr-defined]


def test_a_newly_retracted_record_is_alerted(store: Store) -> None:
    def snapshot(snapshot_id: int, retracted: bool) -> None:
        record = {"title": "Ivermectin and COVID-19", "doi": "10.1/x", "retracted": retracted}
        store.execute(
            "INSERT INTO snapshots VALUES (?, 'r', ?, ?, 1, 1, '{}')",
            [snapshot_id, snapshot_id, datetime(2026, 1, snapshot_id)],
        )
        store.execute(
            "INSERT INTO snapshot_entries"
            " VALUES ('r', 'c1', ?, ?, NULL, '', 'w1', ['w1'], ['crossref'], ?)",
            [snapshot_id, snapshot_id, json.dumps(record)],
        )

    snapshot(1, retracted=False)
    snapshot(2, retracted=True)
    snapshot(3, retracted=True)
    (alert,) = snapshot_alerts(store, "r", "A review", 2)
    assert alert.event == "retracted"
    assert "Ivermectin and COVID-19 https://doi.org/10.1/x" in alert.text
    assert snapshot_alerts(store, "r", "A review", 3) == []  # already known: no new alert


def test_notify_problems_are_reported_with_file_and_line(tmp_path: Path) -> None:
    review = demo_review(
        tmp_path,
        "bad",
        "http://127.0.0.1:9",
        extra='\n[notify]\nevents = ["sometimes"]\nemail_to = "team@example.org"\n'
        'smtp_pasword = "x"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_review(review)
    text = "\n".join(caught.value.problems)
    assert "notify.events: must be a list of: run_failed" in text
    assert "notify.smtp_host: required with email_to" in text
    assert "notify.smtp_pasword: unknown key" in text
    assert f"{review}: line " in text
    wide = tmp_path / "alerts.toml"
    wide.write_text('[notify]\nwebhook = "ftp://x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="webhook: must be an http"):
        load_notify_file(wide)
    wide.write_text('[notify]\nwebhook = "https://chat.example.org/hooks/1"\n', encoding="utf-8")
    assert load_notify_file(wide).webhook == "https://chat.example.org/hooks/1"


def test_a_webhook_that_refuses_is_logged_and_the_email_still_goes(
    sinks: tuple[SmtpSink, WebhookReceiver], caplog: pytest.LogCaptureFixture
) -> None:
    smtp, _ = sinks
    alert = Alert("run_failed", "r1", "Review one", "[harvester] r1: run failed", ("why",))
    mail = SmtpConfig("127.0.0.1", smtp.port, "none", "h@example.org", ("team@example.org",))
    with ReplayServer(REPLAY / "demo") as replay:  # it answers 404 to a path it never recorded
        config = NotifyConfig(frozenset({"run_failed"}), webhook=f"{replay.url}/hook", email=mail)
        assert deliver([alert], [config]) == 1
    assert len(smtp.messages) == 1
    (failure,) = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert failure.startswith("alert run_failed: webhook 127.0.0.1") and "HTTP 404" in failure
