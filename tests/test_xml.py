"""Safe XML parsing: HTML is named as HTML, entities are never expanded."""

from __future__ import annotations

import pytest

from harvester.errors import ProtocolError
from harvester.xml import from_string, parse_xml, text, texts, to_string


def test_html_instead_of_xml_is_reported_as_such() -> None:
    with pytest.raises(ProtocolError, match="received an HTML page"):
        parse_xml(b"<!DOCTYPE html><html><body>Service unavailable</body></html>", source="oai")


def test_malformed_xml() -> None:
    with pytest.raises(ProtocolError, match="not valid XML"):
        parse_xml(b"<OAI-PMH><ListRecords>", source="oai")


def test_root_element_is_checked() -> None:
    with pytest.raises(ProtocolError, match="expected a <feed> document, got <OAI-PMH>"):
        parse_xml(b"<OAI-PMH/>", expect="feed")


def test_external_entities_are_not_resolved(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'
    ).encode()
    root = parse_xml(body)
    assert "TOP SECRET" not in to_string(root)


def test_text_helpers_round_trip() -> None:
    root = parse_xml(b"<r><t lang='en'> Hello \n world </t><t>again</t><e/></r>")
    assert text(root, "t") == "Hello world"
    assert texts(root, "t") == ["Hello world", "again"]
    assert text(root, "e") is None and text(root, "missing") is None
    assert to_string(from_string(to_string(root))) == to_string(root)
