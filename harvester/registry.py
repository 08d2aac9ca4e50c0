"""Connector discovery through the `harvester.connectors` entry-point group.

Built-in connectors register the same way as third-party packages, so installing a package
that declares `[project.entry-points."harvester.connectors"] mysource = "pkg.mod:MySource"`
makes `mysource` usable in review files with no change to harvester.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from harvester.connector import Connector
from harvester.errors import HarvestError, UnknownConnectorError

GROUP = "harvester.connectors"


@cache
def connectors() -> dict[str, type[Connector]]:
    """Every registered connector class by name."""
    found: dict[str, type[Connector]] = {}
    for entry in entry_points(group=GROUP):
        try:
            cls = entry.load()
        except Exception as exc:  # a broken plug-in must not hide the others
            raise HarvestError(
                f"connector {entry.name!r} ({entry.value}) failed to load: {exc}"
            ) from exc
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            raise HarvestError(f"connector {entry.name!r} ({entry.value}) is not a Connector class")
        found[entry.name] = cls
    return dict(sorted(found.items()))


def connector_class(name: str, where: str = "") -> type[Connector]:
    known = connectors()
    if name not in known:
        raise UnknownConnectorError(name, known, where)
    return known[name]
