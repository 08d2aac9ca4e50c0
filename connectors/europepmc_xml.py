"""Europe PMC's XML and Dublin Core search pages, read into the shape of its JSON records.

Harvests ask for JSON; these formats arrive only as saved responses (`connectors parse`), and
reading them into the JSON shape lets one mapper serve all three.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import parse_qsl

from lxml import etree

from harvester.pagination import Page
from harvester.xml import parse_xml, text, texts

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


def xml_page(body: bytes, source: str) -> Page:
    root = parse_xml(body, source=source, expect="responseWrapper")
    descriptions = root.findall("rdf:RDF/rdf:Description", NS)
    if descriptions:
        records = [dublin_core_record(d) for d in descriptions]
    else:
        records = [as_json(result) for result in root.findall("resultList/result")]
    total = text(root, "hitCount") or ""
    return Page(records, text(root, "nextCursorMark"), int(total) if total.isdigit() else None)


def as_json(element: etree._Element) -> Any:
    """An element as its JSON twin: leaves are text, "...List" elements hold lists."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return element.text
    groups: defaultdict[str, list[Any]] = defaultdict(list)
    for child in children:
        groups[etree.QName(child).localname].append(as_json(child))
    listing = etree.QName(element).localname.endswith("List")
    return {k: v if listing or len(v) > 1 else v[0] for k, v in groups.items()}


def dublin_core_record(description: etree._Element) -> dict[str, Any]:
    about = (description.get(f"{{{NS['rdf']}}}about") or "").rstrip("/").split("/")
    citation: dict[str, str] = {}
    for value in texts(description, "dcterms:bibliographicCitation", NS):
        if value.startswith("&ctx_ver"):  # an OpenURL: the journal, volume, issue and pages
            citation = dict(parse_qsl(value.lstrip("&")))
    versions = texts(description, "dcterms:isVersionOf", NS)
    published = text(description, "dc:date", NS)
    return {
        "id": about[-1] if len(about) > 1 else None,
        "source": about[-2] if len(about) > 1 else None,
        "doi": next((i for i in texts(description, "dc:identifier", NS) if "doi.org/" in i), None),
        "pmcid": next((v.rsplit("/", 1)[-1] for v in versions if "/PMC" in v), None),
        "title": text(description, "dc:title", NS),
        "authorList": {"author": [{"fullName": n} for n in texts(description, "dc:creator", NS)]},
        "abstractText": text(description, "dcterms:abstract", NS),
        "journalInfo": {
            "journal": {"title": citation.get("rft.jtitle")},
            "volume": citation.get("rft.volume"),
            "issue": citation.get("rft.issue"),
        },
        "pageInfo": citation.get("rft.pages"),
        "pubYear": published[:4] if published else None,
        "firstPublicationDate": published,
        "language": text(description, "dc:language", NS),
        "pubType": "; ".join(texts(description, "dc:description", NS)),
        "keywordList": {"keyword": texts(description, "dc:subject", NS)},
    }
