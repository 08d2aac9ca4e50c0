"""Safe XML parsing for XML sources (PubMed, arXiv Atom, OAI-PMH, EndNote exports).

The parser never resolves entities, loads DTDs or touches the network (XML from the internet
is untrusted), and a body that is not XML (an HTML error page served with status 200, say) is
reported as such instead of failing somewhere deep in a mapper.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from lxml import etree

from harvester.errors import ProtocolError

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_blank_text=False
)


def parse_xml(body: bytes, *, source: str = "", expect: str | None = None) -> etree._Element:
    """The root element of `body`; ProtocolError for HTML or malformed XML.

    `expect`, when given, is the local name the root element must have.
    """
    head = body.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        title = html_title(body)
        titled = f" (its title: {title!r}; a maintenance or error page?)" if title else ""
        raise ProtocolError(
            f"expected XML but received an HTML page: {_snippet(body)}{titled}", source=source
        )
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(
            f"response is not valid XML ({exc}): {_snippet(body)}", source=source
        ) from None
    if root is None:
        raise ProtocolError("empty XML document", source=source)
    if expect is not None and etree.QName(root).localname != expect:
        raise ProtocolError(
            f"expected a <{expect}> document, got <{etree.QName(root).localname}>", source=source
        )
    return root


def text(
    element: etree._Element | None,
    path: str | None = None,
    namespaces: Mapping[str, str] | None = None,
) -> str | None:
    """Whitespace-collapsed text of `element` (or of its first `path` match), None if empty."""
    if element is None:
        return None
    if path is not None:
        found = element.find(path, namespaces=dict(namespaces or {}))
        if found is None:
            return None
        element = found
    value = " ".join("".join(element.itertext()).split())
    return value or None


def texts(
    element: etree._Element, path: str, namespaces: Mapping[str, str] | None = None
) -> list[str]:
    """Non-empty texts of every `path` match, in document order."""
    out = []
    for found in element.iterfind(path, namespaces=dict(namespaces or {})):
        value = " ".join("".join(found.itertext()).split())
        if value:
            out.append(value)
    return out


def to_string(element: etree._Element) -> str:
    """An element as a standalone XML string (how XML records are kept in raw_records).

    The whitespace after the element belongs to its parent: leaving it out keeps a record's
    payload (and its checksum) the same wherever it sat on the page.
    """
    return etree.tostring(element, encoding="unicode", with_tail=False)


def from_string(payload: str) -> etree._Element:
    return etree.fromstring(payload.encode("utf-8"), parser=_PARSER)


def html_title(body: bytes) -> str | None:
    """The <title> of an HTML page (a server's maintenance page says what is going on)."""
    found = _TITLE.search(body[:20_000])
    if not found:
        return None
    title = " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split())
    return title[:200] or None


def _snippet(body: bytes) -> str:
    return " ".join(body[:160].decode("utf-8", "replace").split())
