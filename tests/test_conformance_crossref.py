"""Crossref passes the shared connector conformance suite."""

from connectors.crossref import Crossref
from harvester.errors import FatalAPIError
from harvester.testing import ConnectorConformance
from tests.conftest import API, REPLAY


class TestCrossref(ConnectorConformance):
    connector = Crossref
    fixtures = API / "crossref"
    chain = (
        "works-query-widget-cursor-star-page1.json",
        "works-query-widget-cursor-page2.json",
        "works-query-widget-cursor-page3.json",
        str(REPLAY / "demo" / "crossref-empty-page.json"),
    )
    empty = str(REPLAY / "demo" / "crossref-empty-page.json")
    errors = {
        "error-400-rows-not-integer.json": (400, FatalAPIError),
        "error-400-filter-not-allowed-on-route.json": (400, FatalAPIError),
        "error-404-cursor-invalid.json": (404, FatalAPIError),
        "error-404-work-not-found.txt": (404, FatalAPIError),
    }
