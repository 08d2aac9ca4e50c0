"""DOAJ passes the shared connector conformance suite."""

from connectors.doaj import Doaj
from harvester.testing import ConnectorConformance
from tests.conftest import API, REPLAY

# The recorded first page with its results removed: the page past the end of a walk.
EMPTY = str(REPLAY / "open" / "doaj-empty-page.json")


class TestDoaj(ConnectorConformance):
    connector = Doaj
    fixtures = API / "doaj"
    chain = ("v2-search-articles-license-ccby-page1-size10.json", EMPTY)
    empty = EMPTY
