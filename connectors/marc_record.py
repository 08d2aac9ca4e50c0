"""Reading a MARC 21 slim record: control fields, data fields, subfields by local name.

Catalogues write MARCXML with the namespace (`marc:record`), as the default one, or with none
at all; everything here matches local names ("{*}" in lxml matches any namespace and none).
"""

from __future__ import annotations

from lxml import etree

MARC = "http://www.loc.gov/MARC21/slim"


class Marc:
    """Read access to one MARC record, by local names (namespace or not)."""

    def __init__(self, record: etree._Element) -> None:
        self.record = record

    def control(self, tag: str) -> str:
        # "{*}" matches any namespace and none: some catalogues leave the MARC namespace out.
        for field in self.record.iterfind("{*}controlfield"):
            if field.get("tag") == tag and field.text:
                return field.text
        return ""

    def leader(self) -> str:
        found = self.record.find("{*}leader")
        return (found.text or "") if found is not None else ""

    def fields(self, *tags: str) -> list[etree._Element]:
        found = self.record.findall("{*}datafield")
        return [f for tag in tags for f in found if f.get("tag") == tag]

    @staticmethod
    def subfields(field: etree._Element, codes: str) -> list[str]:
        out = []
        for sub in field:
            if _local(sub) == "subfield" and sub.get("code", "") in codes:
                value = " ".join("".join(sub.itertext()).split())
                if value:
                    out.append(value)
        return out

    def values(self, tags: tuple[str, ...], codes: str) -> list[str]:
        """Every non-empty subfield `codes` of the fields `tags`, in the order of `tags`."""
        return [v for f in self.fields(*tags) for v in self.subfields(f, codes)]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def is_marc(element: etree._Element) -> bool:
    """A MARC record (or collection), in the MARC namespace or in none."""
    name = etree.QName(element)
    if name.localname not in ("record", "collection"):
        return False
    return name.namespace == MARC or element.find(".//{*}datafield") is not None


def marc_record(element: etree._Element) -> etree._Element:
    """The record of a metadata element that is a record or a collection of one."""
    if _local(element) == "collection":
        found = next((c for c in element if _local(c) == "record"), None)
        return found if found is not None else element
    return element
