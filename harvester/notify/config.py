"""The `[notify]` table: where alerts go and which ones.

[notify]
events = ["run_failed", "source_failing", "new_records", "retracted"]  # the default: all
source_failures = 3                  # "source_failing" once a source fails this many runs in a row
webhook = "https://chat.example.org/hooks/abc"   # JSON POST; Slack and Mattermost read "text"
email_to = ["team@example.org"]
email_from = "harvester@example.org"
smtp_host = "smtp.example.org"
smtp_port = 587                      # default 587 (starttls), 465 (ssl), 25 (none)
smtp_security = "starttls"           # starttls | ssl | none
smtp_user = "harvester"
smtp_password_env = "HARVESTER_SMTP_PASSWORD"   # the password is read from this variable
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvester.errors import ConfigError

EVENTS = {
    "run_failed": "a run failed (nothing harvested, or the review could not run)",
    "source_failing": "a source failed several runs in a row",
    "new_records": "a snapshot has new records (a digest: counts and titles)",
    "retracted": "a record in the set is newly retracted",
}
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_PASSWORD_ENV = "HARVESTER_SMTP_PASSWORD"
KEYS = {
    "events",
    "source_failures",
    "webhook",
    "email_to",
    "email_from",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_user",
    "smtp_password_env",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password_env: str = DEFAULT_PASSWORD_ENV


@dataclass(frozen=True)
class NotifyConfig:
    events: frozenset[str]
    source_failures: int = 3
    webhook: str | None = None
    email: SmtpConfig | None = None


def parse_notify(table: Any) -> tuple[NotifyConfig | None, list[tuple[str, str]]]:
    """(config, [(key, problem), ...]) of a `[notify]` table; no table, no config."""
    if table is None:
        return None, []
    if not isinstance(table, Mapping):
        return None, [("notify", "must be a table ([notify])")]
    problems: list[tuple[str, str]] = []

    def bad(key: str, message: str) -> None:
        problems.append((f"notify.{key}", message))

    for key in sorted(table.keys() - KEYS):
        bad(key, f"unknown key; known: {', '.join(sorted(KEYS))}")
    events = table.get("events", sorted(EVENTS))
    if not isinstance(events, list) or not all(e in EVENTS for e in events):
        bad("events", f"must be a list of: {', '.join(EVENTS)}")
        events = []
    failures = table.get("source_failures", 3)
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < 1:
        bad("source_failures", "must be a whole number of runs (1 or more)")
        failures = 3
    webhook = table.get("webhook")
    if webhook is not None and (
        not isinstance(webhook, str) or not re.match(r"^https?://", webhook)
    ):
        bad("webhook", "must be an http:// or https:// address")
        webhook = None
    email = _smtp(table, bad)
    if webhook is None and email is None and not problems:
        bad("webhook", "say where alerts go: webhook, or email_to with smtp_host")
    return NotifyConfig(frozenset(events), failures, webhook, email), problems


def _smtp(table: Mapping[str, Any], bad: Any) -> SmtpConfig | None:
    recipients = table.get("email_to")
    if recipients is None:
        for key in ("email_from", "smtp_host", "smtp_user"):
            if key in table:
                bad(key, "set email_to too, or leave out the e-mail settings")
        return None
    if isinstance(recipients, str):
        recipients = [recipients]
    if (
        not isinstance(recipients, list)
        or not recipients
        or not all(isinstance(r, str) and _EMAIL.match(r) for r in recipients)
    ):
        bad("email_to", "must be an e-mail address or a list of them")
        return None
    host = table.get("smtp_host")
    sender = table.get("email_from")
    security = table.get("smtp_security", "starttls")
    if not isinstance(host, str) or not host:
        bad("smtp_host", "required with email_to: the SMTP server's name")
    if not isinstance(sender, str) or not _EMAIL.match(sender):
        bad("email_from", "required with email_to: the sender's e-mail address")
    if security not in SECURITY_PORTS:
        bad("smtp_security", f"must be one of: {', '.join(SECURITY_PORTS)}")
        security = "starttls"
    port = table.get("smtp_port", SECURITY_PORTS[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        bad("smtp_port", "must be a port number")
    user = table.get("smtp_user")
    if user is not None and not isinstance(user, str):
        bad("smtp_user", "must be text")
    password_env = table.get("smtp_password_env", DEFAULT_PASSWORD_ENV)
    if not isinstance(password_env, str) or not _ENV_NAME.match(password_env):
        bad(
            "smtp_password_env",
            "must name an environment variable (the password is never in the file)",
        )
        password_env = DEFAULT_PASSWORD_ENV
    if not isinstance(host, str) or not isinstance(sender, str) or not isinstance(port, int):
        return None
    return SmtpConfig(host, port, str(security), sender, tuple(recipients), user, password_env)


def load_notify_file(path: Path) -> NotifyConfig:
    """A serve-wide alerts file: a TOML file with one `[notify]` table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such alerts file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: invalid TOML: {exc}"]) from None
    extra = sorted(set(data) - {"notify"})
    config, problems = parse_notify(data.get("notify"))
    messages = [f"{path}: {key}: {message}" for key, message in problems]
    messages += [f"{path}: {key}: unknown section; expected [notify]" for key in extra]
    if config is None and not messages:
        messages.append(f"{path}: notify: missing: the file needs a [notify] table")
    if messages or config is None:
        raise ConfigError(messages)
    return config
