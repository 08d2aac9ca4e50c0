"""DataCite XML metadata (OAI-PMH `datacite` / `oai_datacite`, kernel 3 and 4) as a Work."""

from __future__ import annotations

from lxml import etree

from harvester.mapping import first, person, strings, type_name
from harvester.normalize import clean_abstract, clean_title, normalize_doi, parse_year
from harvester.work import Work
from harvester.xml import text, texts


def datacite_resource(metadata: etree._Element) -> etree._Element | None:
    """The DataCite <resource>, bare (`datacite`) or wrapped (`oai_datacite` payload)."""
    for element in metadata.iter("{*}resource"):
        if "datacite.org/schema/kernel" in (etree.QName(element).namespace or ""):
            return element
    return None


def datacite_xml_work(resource: etree._Element) -> Work:
    titles = [
        (clean_title(text(t)), t.get("titleType")) for t in resource.iterfind("{*}titles/{*}title")
    ]
    main = [t for t, kind in titles if not kind] or [t for t, _ in titles]
    doi = next(
        (
            normalize_doi(text(i))
            for i in resource.iterfind("{*}identifier")
            if (i.get("identifierType") or "").upper() == "DOI"
        ),
        None,
    )
    abstracts = [
        text(d)
        for d in resource.iterfind("{*}descriptions/{*}description")
        if d.get("descriptionType") in (None, "Abstract")
    ]
    issued = [
        text(d) for d in resource.iterfind("{*}dates/{*}date") if d.get("dateType") == "Issued"
    ]
    kind = resource.find("{*}resourceType")
    return Work(
        source="",
        source_id="",
        doi=doi,
        title=first(main),
        other_titles=strings(t for t, _ in titles if t != first(main)),
        authors=tuple(
            name
            for c in resource.iterfind("{*}creators/{*}creator")
            if (
                name := person(
                    text(c, "{*}familyName"), text(c, "{*}givenName"), text(c, "{*}creatorName")
                )
            )
        ),
        year=parse_year(text(resource, "{*}publicationYear")),
        abstract=clean_abstract(first(abstracts)),
        type=type_name(kind.get("resourceTypeGeneral") if kind is not None else None),
        language=text(resource, "{*}language"),
        url=f"https://doi.org/{doi}" if doi else None,
        keywords=strings(texts(resource, "{*}subjects/{*}subject")),
        published=first(issued),
    )
