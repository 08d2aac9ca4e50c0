"""PubMed's records as Works: PubmedArticle, PubmedBookArticle, PMC's JATS and esearch ids."""

from __future__ import annotations

from lxml import etree

from connectors import nlm
from connectors.jats import jats_id, jats_work
from harvester.errors import SkippableRecordError
from harvester.mapping import id_map, person, strings
from harvester.normalize import (
    clean_abstract,
    clean_text,
    clean_title,
    normalize_doi,
    normalize_issn,
    parse_year,
)
from harvester.work import Work
from harvester.xml import text, texts

Element = etree._Element


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def record_id(raw: Element) -> str:
    if raw.tag == "article":
        return jats_id(raw)
    pmid = text(raw) if raw.tag == "Id" else text(raw, "*/PMID")
    if not pmid:
        raise SkippableRecordError(f"PubMed record <{etree.QName(raw).localname}> without a PMID")
    return pmid


def record_work(source: str, raw: Element) -> Work:
    if raw.tag == "PubmedArticle":
        return article_work(source, raw)
    if raw.tag == "PubmedBookArticle":
        return book_work(source, raw)
    if raw.tag == "article":
        return jats_work(source, raw)
    if raw.tag != "Id":
        raise SkippableRecordError(f"not a PubMed record: <{etree.QName(raw).localname}>")
    pmid = record_id(raw)  # an esearch <Id>: all that is known is the PMID
    return Work(source, pmid, url=pubmed_url(pmid), ids={"pmid": pmid})


def article_work(source: str, raw: Element) -> Work:
    citation = raw.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    journal = article.find("Journal") if article is not None else None
    if citation is None or article is None or journal is None:
        raise SkippableRecordError("PubmedArticle without MedlineCitation/Article/Journal")
    issue = journal.find("JournalIssue")
    pmid = _pmid(citation)
    ids = _article_ids(raw.find("PubmedData/ArticleIdList"))
    elocated = [text(e) for e in article.findall("ELocationID") if e.get("EIdType") == "doi"]
    year, published = _pub_date(issue.find("PubDate") if issue is not None else None)
    types = texts(article, "PublicationTypeList/PublicationType")
    title = _title(text(article, "ArticleTitle"))
    vernacular = clean_title(text(article, "VernacularTitle"))
    pages = text(article, "Pagination/MedlinePgn") or "-".join(
        texts(article, "Pagination/StartPage") + texts(article, "Pagination/EndPage")
    )
    revised = citation.find("DateRevised")
    return Work(
        source=source,
        source_id=pmid,
        doi=normalize_doi(ids.get("doi") or next(filter(None, elocated), None)),
        title=title or vernacular,
        authors=_authors(article),
        year=year,
        venue=clean_text(text(journal, "Title")),
        abstract=_abstract(article.find("Abstract")),
        type=nlm.work_type(types),
        language=nlm.language(text(article, "Language")),
        url=pubmed_url(pmid),
        ids=id_map(pmid=pmid, pmcid=ids.get("pmc")),
        volume=text(issue, "Volume"),
        issue=text(issue, "Issue"),
        pages=pages or None,
        issn=_issns([*texts(journal, "ISSN"), *texts(citation, "MedlineJournalInfo/ISSNLinking")]),
        keywords=_keywords(citation),
        other_titles=strings([vernacular]) if title and vernacular else (),
        published=published,
        updated=nlm.iso_date(text(revised, "Year"), text(revised, "Month"), text(revised, "Day")),
        retracted=nlm.is_retracted(types),
    )


def book_work(source: str, raw: Element) -> Work:
    """A book or one chapter of it (NCBI Bookshelf); the chapter's container is the book."""
    document = raw.find("BookDocument")
    book = document.find("Book") if document is not None else None
    if document is None or book is None:
        raise SkippableRecordError("PubmedBookArticle without BookDocument/Book")
    pmid = _pmid(document)
    ids = _article_ids(document.find("ArticleIdList"), raw.find("PubmedBookData/ArticleIdList"))
    chapter, book_title = _title(text(document, "ArticleTitle")), _title(text(book, "BookTitle"))
    year, published = _pub_date(book.find("PubDate"))
    types = texts(document, "PublicationType") + texts(document, "PublicationTypeList/*")
    return Work(
        source=source,
        source_id=pmid,
        doi=normalize_doi(ids.get("doi")),
        title=chapter or book_title,
        authors=_authors(document) or _authors(book),
        year=year,
        venue=book_title if chapter else clean_text(text(book, "Publisher/PublisherName")),
        abstract=_abstract(document.find("Abstract")),
        type="book-chapter" if chapter else "book",
        language=nlm.language(text(document, "Language")),
        url=pubmed_url(pmid),
        ids=id_map(pmid=pmid, pmcid=ids.get("pmc"), isbn=text(book, "Isbn")),
        keywords=_keywords(document),
        published=published,
        retracted=nlm.is_retracted(types),
    )


def _pmid(parent: Element) -> str:
    pmid = text(parent, "PMID")
    if not pmid:
        raise SkippableRecordError("PubMed record without a PMID")
    return pmid


def _article_ids(*lists: Element | None) -> dict[str, str]:
    """Identifiers by IdType from the record's own ArticleIdLists (never its references')."""
    found: dict[str, str] = {}
    for id_list in lists:
        for element in id_list.findall("ArticleId") if id_list is not None else ():
            value = text(element)
            if value:
                found.setdefault((element.get("IdType") or "").lower(), value)
    return found


def _title(value: str | None) -> str | None:
    # MEDLINE brackets an English translation of a title published in another language.
    title = clean_title(value)
    if title and title.startswith("[") and title.endswith("]"):
        title = clean_title(title[1:-1])
    return title


def _authors(parent: Element) -> tuple[str, ...]:
    out: list[str] = []
    for author_list in parent.findall("AuthorList"):
        if author_list.get("Type") == "editors":
            continue
        for author in author_list.findall("Author"):
            family = text(author, "LastName")
            given = text(author, "ForeName") or text(author, "Initials")
            # A group author is a name of its own, never "Family, Given".
            name = person(family, given) if family else clean_text(text(author, "CollectiveName"))
            if name:
                out.append(name)
    return tuple(out)


def _abstract(abstract: Element | None) -> str | None:
    if abstract is None:
        return None
    parts = []
    for section in abstract.findall("AbstractText"):
        body, label = text(section), section.get("Label")
        if body:
            parts.append(f"{label}: {body}" if label and label != "UNLABELLED" else body)
    return clean_abstract(" ".join(parts))


def _pub_date(date: Element | None) -> tuple[int | None, str | None]:
    """Year and ISO date of a PubDate; a MedlineDate is free text ("1998 Dec-1999 Jan")."""
    medline = text(date, "MedlineDate")
    if medline:
        year = parse_year(medline)
        return year, str(year) if year else None
    year_text = text(date, "Year")
    iso = nlm.iso_date(year_text, text(date, "Month"), text(date, "Day"))
    return parse_year(year_text), iso


def _keywords(parent: Element) -> tuple[str, ...]:
    return strings(
        [
            *texts(parent, "KeywordList/Keyword"),
            *texts(parent, "MeshHeadingList/MeshHeading/DescriptorName"),
        ]
    )


def _issns(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(filter(None, map(normalize_issn, values))))
