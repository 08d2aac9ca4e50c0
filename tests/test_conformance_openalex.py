"""OpenAlex passes the shared connector conformance suite."""

from connectors.openalex import OpenAlex
from harvester.errors import FatalAPIError
from harvester.testing import ConnectorConformance
from tests.conftest import API


class TestOpenAlex(ConnectorConformance):
    connector = OpenAlex
    fixtures = API / "openalex"
    # meta.count (2) is reached on the first page, so the walk needs no second request.
    chain = ("works-filter-openalex-ids-cursor-star.json",)
    empty = "works-filter-openalex-ids-cursor-last-empty.json"
    errors = {
        "error-400-invalid-filter-field.json": (400, FatalAPIError),
        "error-400-invalid-select-field.json": (400, FatalAPIError),
    }
