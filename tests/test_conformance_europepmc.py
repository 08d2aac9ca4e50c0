"""Europe PMC passes the shared connector conformance suite."""

from connectors.europepmc import EuropePMC
from harvester.testing import ConnectorConformance
from tests.conftest import API


class TestEuropePMC(ConnectorConformance):
    connector = EuropePMC
    fixtures = API / "europepmc"
    # Two pages of a recorded cursorMark walk, then a page without nextCursorMark.
    chain = (
        "search-cancer-pagesize100-page1-cursor-star.json",
        "search-cancer-pagesize100-page2.json",
        "search-no-results.json",
    )
    empty = "search-no-results.json"
