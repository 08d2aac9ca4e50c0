"""OAI-PMH repositories: Open Journal Systems journals (Indonesian journals among them), Zenodo,
institutional repositories. One review source per endpoint, its address in `base_url`.

OAI-PMH has no search: a source harvests the repository (or one set of it) by datestamp, and the
local filter applies the review's query. The protocol itself lives in harvester/oai.py; the
metadata formats in connectors/oai_dc.py and connectors/oai_datacite.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from lxml import etree

from connectors.marc_record import is_marc
from connectors.oai_datacite import datacite_resource, datacite_xml_work
from connectors.oai_dc import DC, dc_work
from connectors.oai_marc import marc_work
from harvester import oai
from harvester.connector import XmlConnector
from harvester.errors import SkippableRecordError
from harvester.http import Response
from harvester.pagination import Page, TokenPaginator
from harvester.query import Query, Translation
from harvester.query.dialects import OAI_PMH
from harvester.work import Work

SECONDS = "YYYY-MM-DDThh:mm:ssZ"
DAYS = "YYYY-MM-DD"
# The metadata formats harvester maps to works (connectors/oai_dc.py, oai_datacite.py,
# oai_marc.py: MARC 21 slim is `marcxml` on OJS, INLISLite and SLiMS, `marc21` on Alma).
PREFIXES = ("oai_dc", "datacite", "oai_datacite", "marcxml", "marc21")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# OAI-PMH 2.0 section 4.6: a setSpec is colon-separated parts of these characters.
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


def stamp(value: object) -> str:
    """A datestamp from a review file: TOML gives dates and times as objects."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def datestamp_problem(value: object, granularity: str) -> str | None:
    """Why `value` (a review file's from/until) is not a datestamp the repository accepts."""
    if isinstance(value, datetime):
        return (
            None if granularity == SECONDS else f"has a time of day; set granularity = {SECONDS!r}"
        )
    if isinstance(value, date):
        return None
    text = str(value)
    if _DAY.match(text):
        ok = _valid_date(text)
    elif _SECOND.match(text):
        if granularity != SECONDS:
            return f"has a time of day; set granularity = {SECONDS!r} or give a date"
        ok = _valid_date(text[:10])
    else:
        return f"must be a date ({DAYS}) or, with granularity {SECONDS!r}, a UTC time"
    return None if ok else "is not a real date"


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def metadata_work(metadata: etree._Element) -> Work:
    """A Work from whichever supported format the record's metadata is in."""
    resource = datacite_resource(metadata)
    if resource is not None:
        return datacite_xml_work(resource)
    if is_marc(metadata):
        return marc_work(metadata)
    if metadata.find(f".//{{{DC}}}*") is not None:
        return dc_work(metadata)
    raise SkippableRecordError(f"metadata format <{etree.QName(metadata).text}> is not mapped")


class OaiPmh(XmlConnector):
    name = "oai_pmh"
    title = "OAI-PMH repository (OJS journals, library catalogues, Zenodo, ...)"
    base_url = "https://zenodo.org/oai2d"  # an example: every source names its own endpoint
    requires_base_url = True
    dialect = OAI_PMH
    paginator = TokenPaginator()
    rate_limit = 1.0
    options: ClassVar[dict[str, str]] = {
        "metadata_prefix": f"{PREFIXES[0]} (default) or one of {', '.join(PREFIXES[1:])}",
        "set": "harvest one set only (a journal on a site-wide OJS endpoint)",
        "granularity": f"the repository's (Identify): YYYY-MM-DD (default) or {SECONDS}",
        "from": "harvest nothing older than this datestamp, even on the first run",
        "until": "harvest nothing newer than this datestamp",
    }

    option_choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "metadata_prefix": PREFIXES,
        "granularity": (DAYS, SECONDS),
    }

    @classmethod
    def setting_problems(cls, settings: Mapping[str, Any]) -> dict[str, str]:
        problems = super().setting_problems(settings)
        spec = settings.get("set")
        if spec is not None and (not isinstance(spec, str) or not _SET_SPEC.match(spec)):
            problems["set"] = "must be a setSpec (letters, digits, -_.!~*'() and ':' between parts)"
        granularity = str(settings.get("granularity", DAYS))
        for key in ("from", "until"):
            if key in settings:
                problem = datestamp_problem(settings[key], granularity)
                if problem:
                    problems[key] = problem
        both = (
            "from" in settings and "until" in settings and not problems.keys() & {"from", "until"}
        )
        if both and stamp(settings["from"])[:10] > stamp(settings["until"])[:10]:
            problems["until"] = "is before from: the window would hold nothing"
        return problems

    def __init__(self, *, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(base_url=base_url, **kwargs)
        self.host = (urlsplit(base_url).hostname or "").lower() if base_url else ""

    def translate(self, query: Query) -> Translation:
        params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        for key, param in (("metadata_prefix", "metadataPrefix"), ("set", "set")):
            if key in self.settings:
                params[param] = str(self.settings[key])
        for key in ("from", "until"):
            if key in self.settings:
                params[key] = stamp(self.settings[key])
        return super().translate(query).with_params(params)

    def since_params(self, since: date) -> dict[str, str]:
        asked = since.isoformat()
        if self.settings.get("granularity") == SECONDS:
            asked += "T00:00:00Z"
        return {"from": max(asked, stamp(self.settings.get("from", "")))}

    def check(self, response: Response) -> None:
        if response.status < 500 and response.status != 429:
            found = oai.body_errors(response.content) if b"<error" in response.content else []
            if found:
                oai.raise_for(found, source=self.instance, status=response.status)
                return  # noRecordsMatch, whatever the status: an empty result
        super().check(response)

    def parse_page(self, body: bytes) -> Page:
        return oai.read_page(body, source=self.instance)

    def source_id(self, raw: Any) -> str:
        identifier = oai.header(raw).identifier
        # OJS installs that kept the default repository id share identifiers across journals
        # on different hosts: such ids get the endpoint's host in front.
        repository = oai.repository_of(identifier)
        own = repository and (self.host == repository or self.host.endswith(f".{repository}"))
        return identifier if own or not self.host else f"{self.host}/{identifier}"

    def to_work(self, raw: Any) -> Work:
        head, metadata = oai.header(raw), oai.metadata(raw)
        # A deleted record is a tombstone (the raw payload keeps whatever metadata it still had).
        alive = metadata is not None and not head.deleted
        work = metadata_work(metadata) if alive and metadata is not None else Work("", "")
        return replace(
            work,
            source=self.instance,
            source_id=self.source_id(raw),
            updated=head.datestamp,
            deleted=head.deleted,
            ids={**work.ids, "oai": head.identifier},
        )
