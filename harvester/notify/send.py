"""Sending alerts: a JSON POST to a webhook, an e-mail over SMTP. Failures are logged, masked.

The webhook goes through the connectors' HTTP seam (harvester.http): the same timeouts, size
caps, retries of 429/5xx, and credentials kept to their origin on a redirect.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from urllib.parse import urlsplit

from harvester.errors import ConnectorError
from harvester.http import HttpClient, Request
from harvester.notify.config import NotifyConfig, SmtpConfig
from harvester.notify.events import Alert

log = logging.getLogger("harvester.notify")
TIMEOUT = 20.0
WEBHOOK_ATTEMPTS = 3


def post_webhook(url: str, alert: Alert) -> None:
    body = json.dumps(alert.payload(), ensure_ascii=False, default=str).encode()
    request = Request(url, method="POST", content=body)
    with HttpClient(
        timeout=TIMEOUT, max_attempts=WEBHOOK_ATTEMPTS, backoff_max=5.0, request_deadline=60.0
    ) as client:
        client.fetch(request, headers={"Content-Type": "application/json"})


def send_email(smtp: SmtpConfig, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = smtp.sender
    message["To"] = ", ".join(smtp.recipients)
    message.set_content(alert.text + "\n\n-- \nharvester serve\n")
    password = os.environ.get(smtp.password_env)
    client: smtplib.SMTP
    if smtp.security == "ssl":
        client = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            client.login(smtp.user, password or "")
        client.send_message(message)


def _channels(config: NotifyConfig) -> list[tuple[str, Callable[[Alert], None]]]:
    """(where, send) for each target of a config; a hook URL's path is its secret: not shown."""
    channels: list[tuple[str, Callable[[Alert], None]]] = []
    if config.webhook:
        url = config.webhook
        channels.append((f"webhook {urlsplit(url).netloc}", lambda alert: post_webhook(url, alert)))
    if config.email:
        smtp = config.email
        where = f"e-mail to {', '.join(smtp.recipients)} via {smtp.host}"
        channels.append((where, lambda alert: send_email(smtp, alert)))
    return channels


def deliver(alerts: Iterable[Alert], configs: Iterable[NotifyConfig]) -> int:
    """Send each alert to every target that wants its event; returns how many were sent."""
    sent = 0
    targets = list(configs)
    for alert in alerts:
        for config in targets:
            if alert.event not in config.events:
                continue
            for where, send in _channels(config):
                fields = {"review": alert.review_id, "alert": alert.event}
                try:
                    send(alert)
                except (OSError, smtplib.SMTPException, ConnectorError) as exc:
                    log.error(
                        "alert %s: %s failed: %s",
                        alert.event,
                        where,
                        exc,
                        extra={"event": "alert_failed", **fields},
                    )
                    continue
                sent += 1
                log.info(
                    "alert %s sent: %s", alert.event, where, extra={"event": "alert", **fields}
                )
    return sent
