"""arXiv passes the shared connector conformance suite."""

from connectors.arxiv import ArXiv
from harvester.errors import FatalAPIError
from harvester.testing import ConnectorConformance
from tests.conftest import API


class TestArXiv(ConnectorConformance):
    connector = ArXiv
    fixtures = API / "arxiv"
    # Offsets 0, 10 and 20 of a recorded search, then a page with no entries.
    chain = (
        "query-testing-start0-max10.xml",
        "query-testing-start10-max10.xml",
        "query-testing-start20-max10.xml",
        "idlist-0000.0000-no-entry.xml",
    )
    empty = "idlist-0000.0000-no-entry.xml"
    errors = {"error-400-incorrect-id-format.xml": (400, FatalAPIError)}
