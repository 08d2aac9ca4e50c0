"""PubMed passes the shared connector conformance suite: esearch, then efetch batches."""

from connectors.pubmed import PubMed
from harvester.errors import FatalAPIError, RetriableAPIError
from harvester.testing import ConnectorConformance
from tests.conftest import API


class TestPubMed(ConnectorConformance):
    connector = PubMed
    fixtures = API / "pubmed"
    settings = {"batch_size": 2}  # four efetch batches over the recorded bodies
    # The history search (7 records), then the batches at retstart 0, 2, 4 and 6.
    chain = (
        "derived-esearch-history-count7.xml",
        "efetch-pubmed-12091962-9997-abstract.xml",
        "efetch-pubmed-11748933-11700088.xml",
        "efetch-pubmed-17284678-9997-2012.xml",
        "efetch-pubmed-29963580.xml",
    )
    empty = "esearch-protein-no-results-phrasenotfound.xml"
    errors = {
        "esearch-error-invalid-db.xml": (200, FatalAPIError),
        "synthetic-rate-limit-exceeded.json": (200, RetriableAPIError),
    }
