"""`harvester replay`: serve recorded responses on loopback, optionally around one command."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import click

from harvester.replay import ReplayServer


@click.command("replay", context_settings={"ignore_unknown_options": True})
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option(
    "--phase",
    type=int,
    default=1,
    show_default=True,
    help="Serve the routes of this phase (later phases add records).",
)
@click.option(
    "--log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append every request received to this JSON Lines file.",
)
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def replay_command(
    folder: Path, port: int, phase: int, log: Path | None, command: tuple[str, ...]
) -> None:
    """Replay FOLDER's recordings (routes.toml) on 127.0.0.1.

    With a COMMAND after `--`, run it while serving (HARVESTER_REPLAY_URL is set) and exit
    with its status; without, serve until interrupted.
    """
    server = ReplayServer(folder, port=port, phase=phase, log=log)
    if not command:
        click.echo(f"replaying {folder} on {server.url} (Ctrl-C to stop)", err=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        return
    with server:
        env = {**os.environ, "HARVESTER_REPLAY_URL": server.url}
        code = subprocess.run(list(command), env=env, check=False).returncode
    sys.exit(code)
