"""Which database an exported file came from, when the review file does not say.

Each database is recognised by text only its exports carry, tried in order on the file's
beginning: a Scopus record id "2-s2.0-...", a Web of Science "FN Clarivate" head or "WOS:"
accession number, Ovid's or Embase.com's "DB  - Embase" line, PubMed's "PMID- " lines.
"""

from __future__ import annotations

DATABASE_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Embase", ("DB  - Embase", "www.embase.com", "<remote-database-name>Embase")),
    ("Scopus", ("2-s2.0-", "www.scopus.com")),
    (
        "Web of Science",
        ("FN Clarivate", "FN Thomson Reuters", "UT WOS:", "{WOS:", "{ WOS:", "\tWOS:"),
    ),
    ("PubMed", ("PMID- ", "pubmed.ncbi.nlm.nih.gov")),
)
SAMPLE = 65536  # characters of a file looked at


def recognise_database(text: str) -> str | None:
    head = text[:SAMPLE]
    return next(
        (name for name, markers in DATABASE_MARKERS if any(m in head for m in markers)), None
    )
