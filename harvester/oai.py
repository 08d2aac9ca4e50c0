"""OAI-PMH 2.0, the protocol part: response envelopes, records, headers, resumption tokens, errors.

What every OAI-PMH response looks like whatever its metadata format; the connector for a
repository (connectors/oai_pmh.py) only declares how to ask and how metadata becomes a Work.
The specification sends errors with HTTP 200 in the body; some servers (Zenodo, InvenioRDM) send
them with 422, so the body is read before the status is believed. `noRecordsMatch` is not an
error for a harvester: it is an empty result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from harvester.errors import ProtocolError, SkippableRecordError
from harvester.pagination import Page
from harvester.xml import parse_xml, text

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"oai": OAI}
# Verbs whose answers carry records, and the element each record is.
RECORD_VERBS = {"ListRecords": "record", "GetRecord": "record", "ListIdentifiers": "header"}
NO_RECORDS = "noRecordsMatch"


class OAIError(ProtocolError):
    """An error code from the OAI-PMH specification; `meaning` says it for people."""

    code = "unknown"
    meaning = "the repository reported an error"

    def __init__(self, message: str = "", *, source: str = "", status: int | None = None) -> None:
        super().__init__(
            f"OAI-PMH {self.code}: {message or self.meaning}", source=source, status=status
        )


class BadArgument(OAIError):
    code, meaning = "badArgument", "the request has an illegal or missing argument"


class BadResumptionToken(OAIError):
    code = "badResumptionToken"
    meaning = "the resumption token expired or is invalid; the next run starts the list again"


class BadVerb(OAIError):
    code, meaning = "badVerb", "the repository does not know this verb"


class CannotDisseminateFormat(OAIError):
    code = "cannotDisseminateFormat"
    meaning = "the repository does not offer this metadata_prefix (see ListMetadataFormats)"


class IdDoesNotExist(OAIError):
    code, meaning = "idDoesNotExist", "the repository has no record with this identifier"


class NoMetadataFormats(OAIError):
    code, meaning = "noMetadataFormats", "no metadata formats are available for this item"


class NoSetHierarchy(OAIError):
    code, meaning = "noSetHierarchy", "the repository has no sets; remove the set option"


ERRORS: dict[str, type[OAIError]] = {
    cls.code: cls
    for cls in (
        BadArgument,
        BadResumptionToken,
        BadVerb,
        CannotDisseminateFormat,
        IdDoesNotExist,
        NoMetadataFormats,
        NoSetHierarchy,
    )
}


@dataclass(frozen=True)
class Header:
    identifier: str
    datestamp: str | None
    deleted: bool
    sets: tuple[str, ...]


def errors_in(root: etree._Element) -> list[tuple[str, str]]:
    """(code, message) of every <error> of a response."""
    return [(e.get("code", ""), text(e) or "") for e in root.iterfind("oai:error", NS)]


def raise_for(found: Sequence[tuple[str, str]], *, source: str, status: int | None = None) -> None:
    """Raise the first real error; a response saying only noRecordsMatch is an empty result."""
    for code, message in found:
        if code != NO_RECORDS:
            cls = ERRORS.get(code)
            if cls is None:
                raise ProtocolError(
                    f"OAI-PMH error {code!r}: {message}", source=source, status=status
                )
            raise cls(message, source=source, status=status)


def body_errors(body: bytes) -> list[tuple[str, str]]:
    """The OAI errors of a body, or [] when it is not an OAI-PMH document at all."""
    try:
        root = parse_xml(body)
    except ProtocolError:
        return []
    return errors_in(root) if etree.QName(root).localname == "OAI-PMH" else []


def read_page(body: bytes, *, source: str) -> Page:
    """Records, resumption token and list size of a response (or of one saved <record>)."""
    root = parse_xml(body, source=source)
    name = etree.QName(root)
    if name.namespace == OAI and name.localname in ("record", "header"):
        return Page(records=[root])
    if name.localname != "OAI-PMH":
        raise ProtocolError(
            f"expected an OAI-PMH response or a <record>, got <{name.localname}>", source=source
        )
    found = errors_in(root)
    raise_for(found, source=source)
    if found:
        return Page(records=[])
    for verb, item in RECORD_VERBS.items():
        answer = root.find(f"oai:{verb}", NS)
        if answer is not None:
            token = answer.find("oai:resumptionToken", NS)
            size = token.get("completeListSize", "") if token is not None else ""
            return Page(
                records=answer.findall(f"oai:{item}", NS),
                next_token=text(token),
                total=int(size) if size.isdigit() else None,
            )
    verbs = [etree.QName(e).localname for e in root if isinstance(e.tag, str)]
    verb = next((v for v in verbs if v not in ("responseDate", "request")), "empty")
    raise ProtocolError(
        f"an OAI-PMH {verb} response holds no records (harvester asks ListRecords)", source=source
    )


def header(item: etree._Element) -> Header:
    """The header of a <record> (or the <header> a ListIdentifiers answer lists)."""
    head = item if etree.QName(item).localname == "header" else item.find("oai:header", NS)
    identifier = text(head, "oai:identifier", NS) if head is not None else None
    if head is None or not identifier:
        raise SkippableRecordError("OAI-PMH record without a header identifier")
    return Header(
        identifier=identifier,
        datestamp=text(head, "oai:datestamp", NS),
        deleted=head.get("status") == "deleted",
        sets=tuple(t for s in head.iterfind("oai:setSpec", NS) if (t := text(s))),
    )


def metadata(item: etree._Element) -> etree._Element | None:
    """The metadata document of a record (oai_dc:dc, a DataCite resource, ...), if any."""
    found = item.find("oai:metadata", NS)
    if found is None:
        return None
    return next((child for child in found if isinstance(child.tag, str)), None)


def repository_of(identifier: str) -> str:
    """The repository part of an `oai:<repository>:<local id>` identifier ("" if none)."""
    parts = identifier.split(":", 2)
    return parts[1].lower() if len(parts) == 3 and parts[0].lower() == "oai" else ""
