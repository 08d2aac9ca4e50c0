"""DataCite passes the shared connector conformance suite."""

from connectors.datacite import DataCite
from harvester.errors import FatalAPIError
from harvester.testing import ConnectorConformance
from tests.conftest import API, REPLAY

# The recorded page with its records and next link removed: the end of a walk.
EMPTY = str(REPLAY / "open" / "datacite-empty-page.json")


class TestDataCite(ConnectorConformance):
    connector = DataCite
    fixtures = API / "datacite"
    chain = ("dois-page-number1-size5.json", EMPTY)
    empty = EMPTY
    errors = {"crosscite-cn-error-404.txt": (404, FatalAPIError)}
