"""Source groups: a registry of journals used from a review as one group of OAI-PMH sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.errors import ConfigError
from harvester.groups import load_registry, registry_path
from harvester.review import load_review
from harvester.testing.oai_farm import Endpoint, OaiFarm
from tests.conftest import ROOT, run_cli

REGISTRY = """\
[[journal]]
name = "jkap"
title = "Jurnal Kebijakan dan Administrasi Publik"
base_url = "https://journal.example.ac.id/jkap/oai"
issn = ["0852-9213"]
subject = ["Public Administration", "public policy"]

[[journal]]
name = "jbp"
title = "Jurnal Bina Praja"
base_url = "https://jurnal.example.go.id/index.php/oai"
set = "jbp"
subject = ["governance"]
"""


def review_with(tmp_path: Path, group: str, registry: str = REGISTRY) -> Path:
    (tmp_path / "journals.toml").write_text(registry, encoding="utf-8")
    path = tmp_path / "r.toml"
    path.write_text(
        '[review]\nid = "r"\n[query]\ntext = "governance"\n\n[[source_groups]]\n' + group,
        encoding="utf-8",
    )
    return path


def farm_review(tmp_path: Path, farm: OaiFarm, endpoints: list[Endpoint]) -> Path:
    """A review whose group "pa" is every endpoint of `farm`."""
    registry = "\n".join(
        f'[[journal]]\nname = "{e.name}"\ntitle = "J {e.name}"\nbase_url = "{farm.url(e)}"\n'
        for e in endpoints
    )
    group = 'registry = "journals.toml"\nname = "pa"\nrate_limit = 1000\nlocal_filter = false\n'
    return review_with(tmp_path, group, registry)


def test_bundled_registry_loads_every_entry_unverified() -> None:
    entries = load_registry(registry_path("id-public-administration", ROOT))
    assert len(entries) >= 10
    assert not any(e.verified for e in entries)
    assert all(e.base_url.startswith("https://") for e in entries)
    text = (ROOT / "config/sources/id-public-administration.toml").read_text(encoding="utf-8")
    assert "No network was available" in text


def test_members_become_oai_sources_named_under_the_group(tmp_path: Path) -> None:
    review = load_review(review_with(tmp_path, 'registry = "journals.toml"\nname = "pa"\n'))
    assert [s.name for s in review.sources] == ["pa.jkap", "pa.jbp"]
    jbp = review.sources[1]
    assert (jbp.connector, jbp.group, jbp.settings["set"]) == ("oai_pmh", "pa", "jbp")
    assert jbp.base_url == "https://jurnal.example.go.id/index.php/oai"


def test_filters_keep_journals_with_any_subject_or_issn(tmp_path: Path) -> None:
    by_subject = review_with(tmp_path, 'registry = "journals.toml"\nsubject = ["governance"]\n')
    assert [s.name for s in load_review(by_subject).sources] == ["journals.jbp"]
    by_issn = review_with(tmp_path, 'registry = "journals.toml"\nissn = ["0852-9213"]\n')
    assert [s.name for s in load_review(by_issn).sources] == ["journals.jkap"]


@pytest.mark.parametrize(
    ("group", "registry", "expected"),
    [
        ('registry = "nowhere.toml"\n', REGISTRY, "nowhere.toml: no such registry file"),
        (
            'registry = "journals.toml"\nsubject = ["astronomy"]\n',
            REGISTRY,
            "source_groups[1].subject: no journal of",
        ),
        (
            'registry = "journals.toml"\n',
            REGISTRY.replace("https://journal.example", "ftp://journal.example"),
            "journals.toml: journal[1].base_url: required",
        ),
        ('registry = "journals.toml"\nmax_records = 0\n', REGISTRY, "max_records: must be"),
        ('registry = "journals.toml"\nsubjects = ["x"]\n', REGISTRY, "subjects: unknown key"),
    ],
)
def test_a_bad_registry_or_filter_is_one_line_naming_file_and_key(
    tmp_path: Path, group: str, registry: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_review(review_with(tmp_path, group, registry))
    assert any(expected in p and "r.toml" in p for p in raised.value.problems)


def test_cli_reports_a_bad_registry_in_one_line_and_exits_non_zero(tmp_path: Path) -> None:
    bad = REGISTRY.replace('issn = ["0852-9213"]', 'issn = ["12345"]')
    done = run_cli("query", "explain", review_with(tmp_path, 'registry = "journals.toml"\n', bad))
    assert done.returncode != 0
    assert "journal[1].issn: not an ISSN" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_a_group_is_harvested_and_reported_under_its_name(tmp_path: Path) -> None:
    from harvester.service import status
    from harvester.store import open_store

    endpoints = [
        Endpoint("jkap", host=1, pages=2, per_page=3),
        Endpoint("jbp", host=2, pages=1, per_page=3),
        Endpoint("down", host=3, fault="maintenance"),
    ]
    with OaiFarm(endpoints) as farm:
        review = farm_review(tmp_path, farm, endpoints)
        db = tmp_path / "s.duckdb"
        done = run_cli("run", review, "--db", db)
    assert "group pa" in done.stdout, done.stdout + done.stderr
    assert "2 sources harvested" not in done.stdout
    rows = [line for line in done.stdout.splitlines() if "jkap" in line or "group pa" in line]
    assert rows[0].lstrip("│ ").startswith("group pa")  # the group's line first, then members
    assert "1 not harvested" in done.stdout
    log = tmp_path / "log.md"
    assert run_cli("searchlog", review, "--db", db, "--out", log).returncode == 0
    assert "| **group pa** | | 2 of 3 sources harvested |" in log.read_text(encoding="utf-8")
    loaded = load_review(review)
    with open_store(db, read_only=True) as store:
        health = status.source_health(
            store, "r", [s.name for s in loaded.sources], {s.name: s.group for s in loaded.sources}
        )
    assert [(h.source, h.group, h.failures_in_a_row) for h in health] == [
        ("pa.jkap", "pa", 0),
        ("pa.jbp", "pa", 0),
        ("pa.down", "pa", 1),
    ]


def test_the_status_page_shows_members_under_their_group(tmp_path: Path) -> None:
    from tests.serving import Served

    endpoints = [Endpoint("jkap", host=1), Endpoint("down", host=2, fault="maintenance")]
    with OaiFarm(endpoints) as farm:
        review = farm_review(tmp_path, farm, endpoints)
        text = review.read_text(encoding="utf-8").replace(
            'id = "r"', 'id = "r"\nschedule = "daily"'
        )
        review.write_text(text, encoding="utf-8")
        with Served(review, "--db", tmp_path / "s.duckdb") as served:
            assert served.wait_for(lambda: served.json("/api/reviews")[0]["snapshots"] >= 1, 90), (
                served.log
            )
            status, page = served.get("/reviews/r")
            api = served.json("/api/reviews")
            served.stop()
    html = page.decode()
    assert status == 200
    table = html[html.index('<table class="sources">') :]
    table = table[: table.index("</table>")]
    assert "Group pa: 2 sources, 1 failing" in table
    assert table.index("Group pa") < table.index("jkap") < table.index("down")
    assert api[0]["id"] == "r"
