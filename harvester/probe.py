"""`harvester sources probe`: from a journal's web address to a registry entry.

Open Journal Systems answers OAI-PMH at two addresses: each journal's own
(`/index.php/<journal>/oai`) and the install's (`/index.php/index/oai`), where each journal is
a set named by its path. A probe tries the addresses a web address suggests, in order, and asks
the first that answers Identify for its formats and sets, then reads one page of records for
the ISSN and publisher (OAI-PMH has no field for them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from connectors.oai_dc import DC, dc_work
from harvester.errors import ConnectorError, HarvestError
from harvester.http import HttpClient, Request
from harvester.oai import OAI
from harvester.oai_describe import Identity, OaiSet, read_formats, read_identify, read_sets
from harvester.xml import parse_xml, texts

# Set pages read to find a journal's set on a site-wide endpoint (an OJS page holds 100).
MAX_SET_PAGES = 20
# OJS paths that are pages of a journal, not the journal's path itself.
_NOT_A_JOURNAL = {"", "index", "oai"}

Fetch = Callable[[str, dict[str, str]], bytes]


class ProbeError(HarvestError):
    """No address a probe tried answered as an OAI-PMH endpoint."""


@dataclass(frozen=True)
class Candidate:
    """One address to try: an OAI base URL, and the set of the journal on it (site-wide)."""

    base_url: str
    set_spec: str | None
    why: str


@dataclass(frozen=True)
class RegistryEntry:
    name: str | None
    base_url: str
    set_spec: str | None
    issn: tuple[str, ...]
    publisher: str | None
    identity: Identity
    formats: tuple[str, ...]


def candidates(url: str) -> list[Candidate]:
    """The OAI base URLs a web address suggests, the likeliest first."""
    parts = urlsplit(url.strip())
    segments = [s for s in parts.path.split("/") if s]

    def at(*path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, "/".join(("", *path)), "", ""))

    if segments and segments[-1].lower() == "oai":
        given = at(*segments)
        return [Candidate(given, None, "the OAI base URL given")]
    prefix = segments[:1] if segments[:1] == ["index.php"] else []
    rest = segments[len(prefix) :]
    journal = rest[0] if rest and rest[0].lower() not in _NOT_A_JOURNAL else None
    if journal is None:
        return [
            Candidate(at(*prefix, "index", "oai"), None, "the OJS site-wide endpoint"),
            Candidate(at("index.php", "index", "oai"), None, "the OJS site-wide endpoint"),
            Candidate(at("oai"), None, "the site's /oai"),
        ][: 1 if prefix else 3]
    return [
        Candidate(at(*prefix, journal, "oai"), None, "the journal's own OJS endpoint"),
        Candidate(at(*prefix, "index", "oai"), journal, "the OJS site-wide endpoint, as a set"),
    ]


def find_set(fetch: Fetch, base_url: str, spec: str) -> OaiSet | None:
    """The set `spec` (case-insensitive) among the endpoint's sets, paging ListSets."""
    params = {"verb": "ListSets"}
    for _ in range(MAX_SET_PAGES):
        sets, token = read_sets(fetch(base_url, params))
        match = next((s for s in sets if s.spec.lower() == spec.lower()), None)
        if match is not None:
            return match
        if not token:
            return None
        params = {"verb": "ListSets", "resumptionToken": token}
    return None


def sample(
    fetch: Fetch, base_url: str, set_spec: str | None
) -> tuple[tuple[str, ...], str | None, str | None]:
    """ISSNs, publisher and journal title from the first page of oai_dc records."""
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    if set_spec:
        params["set"] = set_spec
    try:
        root = parse_xml(fetch(base_url, params))
    except ConnectorError:
        return (), None, None
    works = [dc_work(metadata) for metadata in root.iter(f"{{{OAI}}}metadata")]
    issns = dict.fromkeys(issn for work in works for issn in work.issn)
    publishers = texts(root, ".//dc:publisher", {"dc": DC})
    venues = (work.venue for work in works if work.venue)
    return tuple(issns), (publishers[0] if publishers else None), next(venues, None)


def probe(fetch: Fetch, url: str) -> RegistryEntry:
    """Find the endpoint behind `url` and describe it; ProbeError lists what was tried."""
    tried = []
    for candidate in candidates(url):
        try:
            identity = read_identify(fetch(candidate.base_url, {"verb": "Identify"}))
            found = None
            if candidate.set_spec:
                found = find_set(fetch, candidate.base_url, candidate.set_spec)
                if found is None:
                    raise ProbeError(f"no set {candidate.set_spec!r} in ListSets")
            formats = read_formats(fetch(candidate.base_url, {"verb": "ListMetadataFormats"}))
        except (ConnectorError, ProbeError) as exc:
            tried.append(f"{candidate.base_url} ({candidate.why}): {exc}")
            continue
        spec = found.spec if found else None
        issn, publisher, venue = sample(fetch, candidate.base_url, spec)
        name = (found.name if found else None) or venue or identity.repository_name
        return RegistryEntry(name, candidate.base_url, spec, issn, publisher, identity, formats)
    raise ProbeError("no OAI-PMH endpoint found; tried:\n  " + "\n  ".join(tried))


def short_name(entry: RegistryEntry) -> str:
    """The entry's name in a registry: the journal's set or OJS path ("IJAA" -> "ijaa"), else
    the endpoint's host."""
    parts = urlsplit(entry.base_url)
    segments = [s for s in parts.path.split("/") if s and s.lower() not in _NOT_A_JOURNAL]
    segments = [s for s in segments if s != "index.php"]
    raw = entry.set_spec or (segments[-1] if segments else parts.hostname or "journal")
    return re.sub(r"[^a-z0-9_.-]+", "-", raw.lower()).strip("-.") or "journal"


def http_fetcher(http: HttpClient, rate_limit: float | None) -> Fetch:
    """A Fetch over the project's HTTP client (one seam: harvester/http.py)."""

    def fetch(base_url: str, params: dict[str, str]) -> bytes:
        return http.fetch(Request(base_url, params=params), rate_limit=rate_limit).content

    return fetch
