"""What an OAI-PMH endpoint says about itself: Identify, ListMetadataFormats and ListSets.

Read by `harvester sources probe` (harvester/probe.py) to write a registry entry. Fields a
server leaves out stay None: a probe reports what it was told, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from harvester.errors import ProtocolError
from harvester.oai import NS, errors_in, raise_for
from harvester.xml import parse_xml, text

TOOLKIT = "http://oai.dlib.vt.edu/OAI/metadata/toolkit"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"


@dataclass(frozen=True)
class Identity:
    """An Identify answer."""

    repository_name: str | None
    base_url: str | None
    granularity: str | None
    earliest_datestamp: str | None
    deleted_record: str | None
    repository_identifier: str | None = None
    toolkit: str | None = None  # "Open Journal Systems 3.3.0.8"


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str | None


def _answer(body: bytes, verb: str, *, source: str) -> etree._Element | None:
    """The <verb> element of a response; None for an OAI error that means "none" (no sets)."""
    root = parse_xml(body, source=source)
    if etree.QName(root).localname != "OAI-PMH":
        raise ProtocolError(
            f"not an OAI-PMH response (<{etree.QName(root).localname}>)", source=source
        )
    found = errors_in(root)
    if any(code in ("noSetHierarchy", "noMetadataFormats") for code, _ in found):
        return None
    raise_for(found, source=source)
    answer = root.find(f"oai:{verb}", NS)
    if answer is None:
        raise ProtocolError(f"an OAI-PMH response without <{verb}>", source=source)
    return answer


def read_identify(body: bytes, *, source: str = "") -> Identity:
    answer = _answer(body, "Identify", source=source)
    assert answer is not None  # Identify has no "none" error

    def field(name: str) -> str | None:
        return text(answer, f"oai:{name}", NS)

    toolkit = answer.find(f".//{{{TOOLKIT}}}toolkit")
    tool = None
    if toolkit is not None:
        parts = (text(toolkit, f"{{{TOOLKIT}}}title"), text(toolkit, f"{{{TOOLKIT}}}version"))
        tool = " ".join(p for p in parts if p) or None
    return Identity(
        repository_name=field("repositoryName"),
        base_url=field("baseURL"),
        granularity=field("granularity"),
        earliest_datestamp=field("earliestDatestamp"),
        deleted_record=field("deletedRecord"),
        repository_identifier=text(answer, f".//{{{OAI_IDENTIFIER}}}repositoryIdentifier"),
        toolkit=tool,
    )


def read_formats(body: bytes, *, source: str = "") -> tuple[str, ...]:
    """The metadataPrefix of every format offered, in the server's order."""
    answer = _answer(body, "ListMetadataFormats", source=source)
    if answer is None:
        return ()
    found = (text(f, "oai:metadataPrefix", NS) for f in answer.iterfind("oai:metadataFormat", NS))
    return tuple(prefix for prefix in found if prefix)


def read_sets(body: bytes, *, source: str = "") -> tuple[tuple[OaiSet, ...], str | None]:
    """The sets of one ListSets page, and the resumption token of the next (None at the end)."""
    answer = _answer(body, "ListSets", source=source)
    if answer is None:
        return (), None
    sets = []
    for item in answer.iterfind("oai:set", NS):
        spec = text(item, "oai:setSpec", NS)
        if spec:
            sets.append(OaiSet(spec, text(item, "oai:setName", NS)))
    return tuple(sets), text(answer, "oai:resumptionToken", NS)
