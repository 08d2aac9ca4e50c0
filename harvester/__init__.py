"""harvester: literature harvesting and deduplication for living systematic reviews.

The public API for connector authors and embedding applications; everything else is internal.
"""

__version__ = "0.1.0"

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
