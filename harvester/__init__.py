"""harvester: literature harvesting and deduplication for living systematic reviews.

The public API for connector authors and embedding applications; everything else is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester.lazy import lazy_exports

__version__ = "0.1.0"

# Where each public name lives. They are imported on first use, not with the package: every
# `harvester.*` module imports this package first, and `harvester dedup` or a reporting command
# should not pay for the HTTP stack that connectors need.
_EXPORTS = {
    "Connector": "harvester.connector",
    "JsonConnector": "harvester.connector",
    "ConfigError": "harvester.errors",
    "ConnectorError": "harvester.errors",
    "FatalAPIError": "harvester.errors",
    "HarvestError": "harvester.errors",
    "ProtocolError": "harvester.errors",
    "RetriableAPIError": "harvester.errors",
    "SkippableRecordError": "harvester.errors",
    "CursorPaginator": "harvester.pagination",
    "NextLinkPaginator": "harvester.pagination",
    "OffsetPaginator": "harvester.pagination",
    "Page": "harvester.pagination",
    "PageNumberPaginator": "harvester.pagination",
    "SinglePage": "harvester.pagination",
    "TokenPaginator": "harvester.pagination",
    "Query": "harvester.query",
    "Translation": "harvester.query",
    "Work": "harvester.work",
}

if TYPE_CHECKING:
    from harvester.connector import Connector, JsonConnector
    from harvester.errors import (
        ConfigError,
        ConnectorError,
        FatalAPIError,
        HarvestError,
        ProtocolError,
        RetriableAPIError,
        SkippableRecordError,
    )
    from harvester.pagination import (
        CursorPaginator,
        NextLinkPaginator,
        OffsetPaginator,
        Page,
        PageNumberPaginator,
        SinglePage,
        TokenPaginator,
    )
    from harvester.query import Query, Translation
    from harvester.work import Work


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "ConfigError",
    "Connector",
    "ConnectorError",
    "CursorPaginator",
    "FatalAPIError",
    "HarvestError",
    "JsonConnector",
    "NextLinkPaginator",
    "OffsetPaginator",
    "Page",
    "PageNumberPaginator",
    "ProtocolError",
    "Query",
    "RetriableAPIError",
    "SinglePage",
    "SkippableRecordError",
    "TokenPaginator",
    "Translation",
    "Work",
    "__version__",
]
