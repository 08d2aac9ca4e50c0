"""The OAI-PMH connector passes the shared connector conformance suite on Zenodo's recordings."""

from connectors.oai_pmh import OaiPmh
from harvester import oai
from harvester.testing import ConnectorConformance
from tests.conftest import API


class TestOaiPmh(ConnectorConformance):
    connector = OaiPmh
    fixtures = API / "oai_pmh"
    # ListRecords, then its resumption token twice; the last page has no token.
    chain = (
        "zenodo-listrecords-oai_dc-page1-trimmed.xml",
        "zenodo-listrecords-resumption-page2.xml",
        "zenodo-listrecords-resumption-last-no-token.xml",
    )
    empty = "zenodo-error-422-noRecordsMatch-future-from.xml"
    # Zenodo sends OAI errors with HTTP 422; the specification (the synthetic files) with 200.
    errors = {
        "zenodo-error-422-badArgument-unknown-metadataPrefix.xml": (422, oai.BadArgument),
        "zenodo-error-422-getrecord-badArgument-metadataPrefix.xml": (422, oai.BadArgument),
        "zenodo-error-422-badResumptionToken.xml": (422, oai.BadResumptionToken),
        "zenodo-error-422-idDoesNotExist.xml": (422, oai.IdDoesNotExist),
        "synthetic-error-badArgument.xml": (200, oai.BadArgument),
        "synthetic-error-badResumptionToken.xml": (200, oai.BadResumptionToken),
        "synthetic-error-cannotDisseminateFormat.xml": (200, oai.CannotDisseminateFormat),
        "synthetic-error-idDoesNotExist.xml": (200, oai.IdDoesNotExist),
        "synthetic-error-noSetHierarchy.xml": (200, oai.NoSetHierarchy),
    }
