"""docs/service.md cannot drift: every option of `harvester serve` is in its table with its
default, and its `[notify]` example is a valid table that uses every key."""

from __future__ import annotations

import re
import tomllib

from harvester.cli.serve import serve_command
from harvester.notify.config import EVENTS, KEYS, parse_notify
from tests.conftest import ROOT

SERVICE = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")


def test_every_serve_option_is_documented_with_its_default() -> None:
    rows = dict(re.findall(r"^\| `(--[a-z-]+)[^`]*` \| ([^|]*) \|", SERVICE, flags=re.MULTILINE))
    options = {
        param.opts[0]: param for param in serve_command.params if param.opts[0].startswith("--")
    }
    assert set(rows) == set(options)
    for name, param in options.items():
        if param.default is None or name == "--db":
            continue
        default = param.default
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        assert f"`{shown}`" in rows[name], name


def test_the_notify_example_is_valid_and_complete() -> None:
    (example,) = re.findall(r"```\n(\[notify\].*?)```", SERVICE, flags=re.DOTALL)
    table = tomllib.loads(example)["notify"]
    config, problems = parse_notify(table)
    assert problems == [] and config is not None
    assert set(table) == KEYS
    assert config.events == frozenset(EVENTS)
    for event in EVENTS:
        assert f"| `{event}` |" in SERVICE
