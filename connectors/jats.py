"""JATS <article> records (what PMC's efetch returns) as Works."""

from __future__ import annotations

from lxml import etree

from connectors import nlm
from harvester.errors import SkippableRecordError
from harvester.mapping import id_map, person, strings
from harvester.normalize import clean_abstract, clean_text, clean_title, normalize_doi, parse_year
from harvester.work import Work
from harvester.xml import text, texts

Element = etree._Element
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The publication date to prefer when an article carries several.
_DATE_KINDS = ("epub", "ppub", "pub", "collection")


def article_ids(raw: Element) -> dict[str, str]:
    """pmid, pmcid ("PMC" + digits) and doi of an article, where it has them."""
    ids = {
        e.get("pub-id-type", ""): text(e) or ""
        for e in raw.iterfind("front/article-meta/article-id")
    }
    pmcid = ids.get("pmc") or ids.get("pmcid")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    return id_map(pmid=ids.get("pmid"), pmcid=pmcid, doi=ids.get("doi"))


def jats_id(raw: Element) -> str:
    ids = article_ids(raw)
    ident = ids.get("pmid") or ids.get("pmcid")
    if not ident:
        raise SkippableRecordError("JATS article without a PMID or PMCID")
    return ident


def jats_work(source: str, raw: Element) -> Work:
    meta, journal = raw.find("front/article-meta"), raw.find("front/journal-meta")
    if meta is None:
        raise SkippableRecordError("JATS article without front/article-meta")
    ids = article_ids(raw)
    year, published = _pub_date(meta)
    pages = "-".join(texts(meta, "fpage") + texts(meta, "lpage")) or text(meta, "elocation-id")
    pmcid = ids.get("pmcid")
    return Work(
        source=source,
        source_id=jats_id(raw),
        doi=normalize_doi(ids.get("doi")),
        title=clean_title(text(meta, "title-group/article-title")),
        authors=_authors(meta),
        year=year,
        venue=clean_text(
            text(journal, "journal-title-group/journal-title") or text(journal, "journal-title")
        ),
        abstract=_abstract(meta.find("abstract")),
        type=nlm.work_type([raw.get("article-type", "")]),
        language=nlm.language(raw.get(_LANG)),
        url=f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" if pmcid else None,
        ids={k: v for k, v in ids.items() if k != "doi"},
        volume=text(meta, "volume"),
        issue=text(meta, "issue"),
        pages=pages,
        keywords=strings(texts(meta, "kwd-group/kwd")),
        other_titles=strings(texts(meta, "title-group/trans-title-group/trans-title")),
        published=published,
    )


def _authors(meta: Element) -> tuple[str, ...]:
    out = []
    for contrib in meta.iterfind("contrib-group/contrib"):
        if contrib.get("contrib-type", "author") != "author":
            continue
        name = contrib.find("name")
        surname = text(name, "surname")
        # A collaboration (a consortium) is a name of its own, never "Family, Given".
        found = person(surname, text(name, "given-names")) if surname else None
        found = found or clean_text(text(contrib, "collab"))
        if found:
            out.append(found)
    return tuple(out)


def _abstract(abstract: Element | None) -> str | None:
    if abstract is None:
        return None
    # Headings and paragraphs are blocks: joined with spaces, while inline markup stays whole.
    blocks = [text(block) for block in abstract.iter("title", "p")]
    return clean_abstract(" ".join(b for b in blocks if b) or text(abstract))


def _pub_date(meta: Element) -> tuple[int | None, str | None]:
    dates = {d.get("pub-type") or d.get("date-type") or "": d for d in meta.iterfind("pub-date")}
    chosen = next((dates[k] for k in _DATE_KINDS if k in dates), next(iter(dates.values()), None))
    year = text(chosen, "year")
    return parse_year(year), nlm.iso_date(year, text(chosen, "month"), text(chosen, "day"))
