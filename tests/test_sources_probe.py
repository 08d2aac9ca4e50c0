"""`harvester sources probe`: a journal address to a registry entry, via the replay server."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.groups.registry import load_registry
from harvester.oai_describe import read_identify
from harvester.probe import Candidate, candidates
from harvester.replay import ReplayServer
from tests.conftest import REPLAY, run_cli

FOLDER = REPLAY / "ojs_probe"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FOLDER) as running:
        yield running


# Which addresses a web address suggests: made-up hosts, the likeliest first.
CANDIDATE_CASES = [
    (
        "https://j.example.ac.id/index.php/jap/about",
        [
            Candidate("https://j.example.ac.id/index.php/jap/oai", None, ""),
            Candidate("https://j.example.ac.id/index.php/index/oai", "jap", ""),
        ],
    ),
    (
        "https://j.example.ac.id/jap",
        [
            Candidate("https://j.example.ac.id/jap/oai", None, ""),
            Candidate("https://j.example.ac.id/index/oai", "jap", ""),
        ],
    ),
    (
        "https://j.example.ac.id/index.php/index/oai?verb=Identify",
        [Candidate("https://j.example.ac.id/index.php/index/oai", None, "")],
    ),
    (
        "https://j.example.ac.id/",
        [
            Candidate("https://j.example.ac.id/index/oai", None, ""),
            Candidate("https://j.example.ac.id/index.php/index/oai", None, ""),
            Candidate("https://j.example.ac.id/oai", None, ""),
        ],
    ),
]


@pytest.mark.parametrize(("url", "expected"), CANDIDATE_CASES)
def test_candidates(url: str, expected: list[Candidate]) -> None:
    found = [(c.base_url, c.set_spec) for c in candidates(url)]
    assert found == [(c.base_url, c.set_spec) for c in expected]


def test_real_pkp_identify_is_read() -> None:
    identity = read_identify((FOLDER / "identify-ocs-enancib-real.xml").read_bytes())
    assert identity.repository_name == "ENANCIB"
    assert identity.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identity.earliest_datestamp == "2019-09-09T13:36:58Z"
    assert identity.repository_identifier == "ocsbu.sites.ufsc.br"


def test_probe_of_a_journal_with_its_own_endpoint(server: ReplayServer) -> None:
    result = run_cli("sources", "probe", f"{server.url}/index.php/IJAA", "--rate-limit", "0")
    assert result.returncode == 0, result.stderr
    entry = tomllib.loads(result.stdout)["journal"][0]
    assert entry == {
        "name": "ijaa",
        "title": "International Journal of Advanced Astronomy",
        "base_url": f"{server.url}/index.php/IJAA/oai",
        "issn": ["2312-7414"],
        "publisher": "Science Publishing Corporation",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
        "earliest_datestamp": "2013-04-02T10:11:12Z",
        "metadata_formats": ["oai_dc", "oai_marc", "marcxml"],
        "verified": False,
    }
    assert "Open Journal Systems 2.4.5.0" in result.stdout


def test_probe_falls_back_to_the_site_wide_endpoint_with_the_journal_as_set(
    server: ReplayServer,
) -> None:
    result = run_cli("sources", "probe", f"{server.url}/index.php/jap", "--rate-limit", "0")
    assert result.returncode == 0, result.stderr
    entry = tomllib.loads(result.stdout)["journal"][0]
    assert entry["base_url"] == f"{server.url}/index.php/index/oai"
    assert entry["set"] == "jap"
    assert entry["name"] == "jap"
    assert entry["title"] == "Jurnal Administrasi Publik"
    assert entry["issn"] == ["2088-1234", "2598-567X"]
    assert entry["publisher"] == "Fakultas Ilmu Administrasi Universitas Contoh"
    assert entry["earliest_datestamp"] == "2016-01-05T03:04:05Z"


def test_a_probed_entry_is_a_registry_a_review_can_use(
    server: ReplayServer, tmp_path: Path
) -> None:
    printed = [
        run_cli("sources", "probe", f"{server.url}/index.php/{journal}", "--rate-limit", "0")
        for journal in ("IJAA", "jap")
    ]
    registry = tmp_path / "probed.toml"
    registry.write_text("\n".join(result.stdout for result in printed), encoding="utf-8")
    entries = load_registry(registry)
    assert [(e.name, e.set, e.verified) for e in entries] == [
        ("ijaa", None, False),
        ("jap", "jap", False),
    ]


def test_probe_that_finds_nothing_says_what_it_tried(server: ReplayServer) -> None:
    result = run_cli("sources", "probe", f"{server.url}/index.php/nope", "--rate-limit", "0")
    assert result.returncode == 2
    assert "no set 'nope' in ListSets" in result.stderr
    assert f"{server.url}/index.php/nope/oai" in result.stderr
