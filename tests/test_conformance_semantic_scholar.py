"""Semantic Scholar passes the shared connector conformance suite."""

from connectors.semantic_scholar import SemanticScholar
from harvester.errors import FatalAPIError
from harvester.testing import ConnectorConformance
from tests.conftest import API


class TestSemanticScholar(ConnectorConformance):
    connector = SemanticScholar
    fixtures = API / "semantic_scholar"
    # A bulk page with its continuation token, then a page without one (recorded from the
    # relevance search, which has the same shape): the walk ends there.
    chain = ("paper-search-bulk-kubernetes-page1.json", "paper-search-last-page-no-next.json")
    empty = "paper-search-empty.json"
    errors = {
        "error-400-unrecognized-fields.json": (400, FatalAPIError),
        "error-404-paper-not-found.json": (404, FatalAPIError),
    }
