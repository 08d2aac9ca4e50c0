"""Registry files: endpoints (journal name, OAI base URL, set, ISSN, publisher, subject) listed
once in `config/sources/*.toml` and used from reviews as source groups.

    [[journal]]
    name = "jkap"                      # instance name under the group: letters, digits, - _ .
    title = "Jurnal Kebijakan dan Administrasi Publik"
    base_url = "https://journal.ugm.ac.id/jkap/oai"
    set = "jkap"                       # optional: a journal on a site-wide OJS endpoint
    issn = ["0852-9213"]               # optional, print and electronic
    publisher = "Universitas Gadjah Mada"
    subject = ["public administration", "public policy"]
    verified = false                   # true once a harvest of it succeeded

A problem is one line naming the file and the key ("FILE: journal[3].base_url: ...").
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvester.errors import ConfigError

# Where bundled registries live: `registry = "id-public-administration"` names one of them.
BUNDLED = Path(__file__).resolve().parents[2] / "config" / "sources"
ENTRY_KEYS = {"name", "title", "base_url", "set", "issn", "publisher", "subject", "verified"}
# What `harvester sources probe` learnt of the endpoint, kept for the reader of the file.
DESCRIBED_KEYS = {"granularity", "earliest_datestamp", "metadata_formats"}
# A name in a review file or registry (review id, source, group, journal): a member source is
# named GROUP.JOURNAL, so the three must follow the one rule.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ISSN = re.compile(r"^\d{4}-\d{3}[\dXx]$")
_SET = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    title: str
    base_url: str
    set: str | None = None
    issn: tuple[str, ...] = ()
    publisher: str | None = None
    subject: tuple[str, ...] = ()
    verified: bool = False


def registry_path(name: str, relative_to: Path) -> Path:
    """A registry named in a review: a path relative to the review file, or a bundled name."""
    given = Path(name)
    beside = given if given.is_absolute() else relative_to / given
    if beside.suffix == ".toml" or beside.exists():
        return beside
    return BUNDLED / f"{name}.toml"


def load_registry(path: str | os.PathLike[str]) -> tuple[RegistryEntry, ...]:
    """Every entry of a registry file; ConfigError lists every problem, each naming its key."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{file}: no such registry file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{file}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{file}: invalid TOML: {exc}"]) from None
    problems = [
        f"{file}: {key}: unknown section; expected [[journal]]" for key in data.keys() - {"journal"}
    ]
    journals = data.get("journal", [])
    if not isinstance(journals, list) or not journals:
        problems.append(f"{file}: journal: at least one [[journal]] table is required")
        journals = []
    entries: list[RegistryEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(journals, start=1):
        found = _entry(raw, f"{file}: journal[{index}]", problems)
        if found is None:
            continue
        if found.name in seen:
            problems.append(f"{file}: journal[{index}].name: {found.name!r} is listed twice")
        seen.add(found.name)
        entries.append(found)
    if problems:
        raise ConfigError(problems)
    return tuple(entries)


def _entry(raw: Mapping[str, Any], where: str, problems: list[str]) -> RegistryEntry | None:
    before = len(problems)
    known = ENTRY_KEYS | DESCRIBED_KEYS
    for key in sorted(raw.keys() - known):
        problems.append(f"{where}.{key}: unknown key; known: {', '.join(sorted(known))}")
    for key in sorted(DESCRIBED_KEYS & raw.keys()):
        _texts(raw[key], f"{where}.{key}", problems)
    name, title, url = raw.get("name"), raw.get("title"), raw.get("base_url")
    if not isinstance(name, str) or not NAME.match(name):
        problems.append(f"{where}.name: required: letters, digits, '-', '_' or '.'")
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}.title: required: the journal's name")
    if not isinstance(url, str) or not re.match(r"^https?://", url):
        problems.append(f"{where}.base_url: required: the OAI-PMH base URL (http:// or https://)")
    spec = raw.get("set")
    if spec is not None and (not isinstance(spec, str) or not _SET.match(spec)):
        problems.append(f'{where}.set: must be a setSpec such as "jkap"')
    issn = _texts(raw.get("issn", []), f"{where}.issn", problems)
    bad = [i for i in issn if not _ISSN.match(i)]
    if bad:
        problems.append(f"{where}.issn: not an ISSN (NNNN-NNNC): {', '.join(bad)}")
    subject = _texts(raw.get("subject", []), f"{where}.subject", problems)
    publisher, verified = raw.get("publisher"), raw.get("verified", False)
    if publisher is not None and not isinstance(publisher, str):
        problems.append(f"{where}.publisher: must be text")
    if not isinstance(verified, bool):
        problems.append(f"{where}.verified: must be true or false")
    if len(problems) > before:
        return None
    return RegistryEntry(
        name=str(name),
        title=str(title).strip(),
        base_url=str(url),
        set=spec,
        issn=tuple(i.upper() for i in issn),
        publisher=publisher,
        subject=tuple(s.strip().lower() for s in subject),
        verified=bool(verified),
    )


def _texts(value: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{key}: must be a list of text")
        return ()
    return tuple(value)
