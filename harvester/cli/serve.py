"""`harvester serve`: run reviews on their schedules with a status page, until stopped."""

from __future__ import annotations

import logging
import os
import secrets as random_secrets
import sys
from datetime import timedelta
from pathlib import Path

import click

from harvester.cli.options import db_option
from harvester.errors import ConfigError, InputError

log = logging.getLogger("harvester.service")
TOKEN_ENV = "HARVESTER_TOKEN"


@click.command("serve")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="HARVESTER_HOST",
    show_envvar=True,
    help="Address of the status page.",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    envvar="HARVESTER_PORT",
    show_envvar=True,
    type=click.IntRange(0, 65535),
    help="Port of the status page (0: any free port).",
)
@click.option(
    "--token",
    default=None,
    envvar=TOKEN_ENV,
    show_envvar=True,
    help="Required on every request; needed to serve on a non-loopback --host.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per event, for people (text) or machines (json).",
)
@click.option(
    "--jitter",
    type=click.FloatRange(0),
    default=300,
    show_default=True,
    help="Scheduled runs start up to this many seconds late, at random.",
)
@click.option(
    "--retries",
    type=click.IntRange(0),
    default=2,
    show_default=True,
    help="Retries of a failed run before waiting for the next slot.",
)
@click.option(
    "--retry-backoff",
    type=click.FloatRange(1),
    default=600,
    show_default=True,
    help="Seconds before the first retry; each further retry waits twice as long.",
)
@click.option(
    "--notify",
    "notify_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A TOML file with a [notify] table: alerts for every review served.",
)
@click.option(
    "--backup-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Copy the store into this folder between runs, at most once a day; keeps 7 copies.",
)
def serve_command(
    paths: tuple[Path, ...],
    db: Path,
    host: str,
    port: int,
    token: str | None,
    log_format: str,
    jitter: float,
    retries: int,
    retry_backoff: float,
    notify_file: Path | None,
    backup_dir: Path | None,
) -> None:
    """Run the reviews in PATHS (review files, or folders of *.toml) on their schedules.

    One run at a time; a review that missed its slot while the service was down runs once at
    start. The status page (read-only, plus "run now") is at http://HOST:PORT/. SIGTERM or
    Ctrl-C stops after the current page is committed.
    """
    from harvester import secrets
    from harvester.notify.config import load_notify_file
    from harvester.registry import connector_class, connectors
    from harvester.scheduler import RetryPolicy
    from harvester.service.backup import BackupPolicy
    from harvester.service.catalog import ReviewCatalog
    from harvester.service.logs import configure_logging
    from harvester.service.service import Service
    from harvester.service.web import WebConfig, create_app
    from harvester.service.web_thread import WebServer, is_loopback, listen
    from harvester.store import open_store

    configure_logging(log_format)
    token = token or None
    if not is_loopback(host) and not token:
        raise InputError(
            f"--host {host} is reachable from other machines: set --token or {TOKEN_ENV} "
            "so the status page asks for it"
        )
    secrets.register_secret(token)
    key_envs = {env for name in connectors() for env in connector_class(name).api_key_env}
    notify = [load_notify_file(notify_file)] if notify_file else []
    catalog = ReviewCatalog(list(paths))
    served = catalog.scan()
    problems = [p for s in served for p in s.problems]
    if not served:
        raise InputError(f"no review files in {', '.join(map(str, paths))}")
    if problems:
        raise ConfigError(problems)
    mail_envs = {
        c.email.password_env
        for c in notify + [s.review.notify for s in served if s.review and s.review.notify]
        if c.email
    }
    secrets.register_environment(sorted(key_envs | mail_envs | {"HARVESTER_SMTP_PASSWORD"}))
    sock = listen(host, port)
    store = open_store(db)  # migrations run here, at start
    policy = RetryPolicy(retries, timedelta(seconds=retry_backoff), timedelta(seconds=jitter))
    backups = BackupPolicy(backup_dir) if backup_dir else None
    service = Service(catalog, store, policy=policy, notify=notify, backups=backups)
    web = WebServer(create_app(service, WebConfig(token, random_secrets.token_bytes(32))), sock)
    web.start()
    shown = f"[{host}]" if ":" in host else host
    log.info(
        "serving %d review(s) into %s; status page on http://%s:%d/",
        len(served),
        db,
        shown,
        web.port,
        extra={"event": "started", "port": web.port, "pid": os.getpid()},
    )
    service.start()
    service.serve_forever()
    clean = service.shutdown()
    web.stop()
    for handler in logging.getLogger().handlers:
        handler.flush()
    if not clean:
        # The worker is inside a request or deduplication: its open transaction is dropped
        # with the process and the run is marked interrupted at the next start.
        os._exit(0)
    store.close()
    sys.exit(0)
