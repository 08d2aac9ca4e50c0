"""A review whose searches are two APIs and three database exports, over two updates, by CLI.

Crossref and OpenAlex answer from the replay server (the demo recordings); Scopus, Web of
Science and Embase are exported files in a folder beside the review file
(tests/fixtures/filesource/README.md says which records they share with the APIs).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rispy

from harvester.replay import ReplayServer
from harvester.store import open_store
from tests.conftest import FIXTURES, REPLAY, ROOT, run_cli, write_review

FILES = FIXTURES / "filesource"
SEARCHES = """
[[sources]]
connector = "files"
name = "scopus"
path = "searches/scopus/*.csv"

[[sources.searches]]
file = "searches/scopus/scopus-2024-05-02.csv"
date = 2024-05-02
query = 'TITLE-ABS-KEY("word representation" OR "open access") AND PUBYEAR > 2010'
hits = 3

[[sources.searches]]
file = "searches/scopus/scopus-2024-11-04.csv"
date = 2024-11-04
query = 'TITLE-ABS-KEY(widget* OR "pelayanan publik") AND PUBYEAR > 2008'
hits = 2

[[sources]]
connector = "files"
name = "wos"
path = "searches/wos/*.txt"

[[sources.searches]]
file = "wos-*.txt"
date = 2024-05-03
database = "Web of Science Core Collection"
query = 'TS=("goodness of fit" OR "open access") AND PY=(1950-2024)'

[[sources]]
connector = "files"
name = "embase"
path = "searches/embase/*.xml"
database = "Embase (Ovid)"
"""


@dataclass
class Review:
    path: Path
    db: Path
    folder: Path

    def cli(self, *args: str | Path, ok: bool = True) -> str:
        result = run_cli(*args, "--db", self.db)
        assert (result.returncode == 0) == ok, result.stdout + result.stderr
        return result.stdout

    def add(self, name: str, where: str) -> Path:
        target = self.folder / "searches" / where / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FILES / name, target)
        return target

    def members(self, snapshot: int) -> dict[str, tuple[list[str], dict[str, object]]]:
        with open_store(self.db, read_only=True) as store:
            rows = store.rows(
                "SELECT cluster_id, sources, record FROM snapshot_members WHERE snapshot_id = ?",
                [snapshot],
            )
        return {cid: (list(sources), json.loads(record)) for cid, sources, record in rows}


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Review]:
    folder = tmp_path_factory.mktemp("files")
    with ReplayServer(REPLAY / "demo") as server:
        path = write_review(folder / "review.toml", server.url, extra="local_filter = false\n")
        path.write_text(path.read_text(encoding="utf-8") + SEARCHES, encoding="utf-8")
        state = Review(path, folder / "store.duckdb", folder)
        state.add("scopus-2024-05-02.csv", "scopus")
        state.add("wos-2024-05-03.txt", "wos")
        state.add("embase-2024-05-06.xml", "embase")
        state.first = state.cli("run", path)  # type: ignore[attr-defined]
        state.add("scopus-2024-11-04.csv", "scopus")
        state.second = state.cli("run", path)  # type: ignore[attr-defined]
        yield state


def by_doi(members: dict[str, tuple[list[str], dict[str, object]]]) -> dict[str, list[str]]:
    return {str(record["doi"]): sources for sources, record in members.values() if record["doi"]}


def test_one_snapshot_deduplicates_across_two_apis_and_three_exports(review: Review) -> None:
    assert "scopus: searches/scopus/scopus-2024-05-02.csv (Scopus): 3 records, 3 new" in (
        review.first  # type: ignore[attr-defined]
    )
    assert "embase: searches/embase/embase-2024-05-06.xml (Embase (Ovid)): 3 records" in (
        review.first  # type: ignore[attr-defined]
    )
    sources = by_doi(review.members(1))
    assert sources["10.7717/peerj.4375"] == ["openalex", "scopus", "wos"]
    assert sources["10.2307/2280095"] == ["embase", "openalex", "wos"]
    assert sources["10.1109/afrcon.2009.5308146"] == ["crossref", "embase"]
    assert sources["10.3115/v1/d14-1162"] == ["openalex", "scopus"]
    # 98 API records in 96 clusters; 9 file records, 6 of them found by an API or another file.
    assert "Snapshot 1: 99 unique records from 107 retrieved" in review.first  # type: ignore[attr-defined]


def test_a_second_run_reports_exactly_the_new_export(review: Review) -> None:
    second = review.second  # type: ignore[attr-defined]
    assert "scopus: searches/scopus/scopus-2024-11-04.csv (Scopus): 2 records, 2 new" in second
    assert "wos: no new file: 1 imported before" in second
    assert "1 new since the previous snapshot" in second
    diff = review.cli("snapshots", "diff", "1", "2")
    added = [line for line in diff.splitlines() if line.startswith("+ ")]
    assert len(added) == 1 and "Mal pelayanan publik" in added[0]
    widget = by_doi(review.members(2))["10.1109/afrcon.2009.5308146"]
    assert widget == ["crossref", "embase", "scopus"]


def test_prisma_identifies_records_per_database(review: Review) -> None:
    out = review.folder / "prisma.json"
    review.cli("prisma", review.path, "--json", out)
    counts = json.loads(out.read_text(encoding="utf-8"))
    first, second = counts["updates"]
    assert first["flow"]["identified"] == {
        "Embase (Ovid)": 3,
        "Scopus": 3,
        "Web of Science Core Collection": 3,
        "crossref": 60,
        "openalex": 38,
    }
    assert second["flow"]["identified"] == {"Scopus": 2}
    assert second["flow"]["to_screen"] == 1


def test_search_log_quotes_each_files_query_and_date(review: Review) -> None:
    out = review.folder / "searchlog.md"
    review.cli("searchlog", review.path, "--out", out)
    log = out.read_text(encoding="utf-8")
    update_1, update_2 = log.split("## Update 2")
    assert 'TITLE-ABS-KEY("word representation" OR "open access") AND PUBYEAR > 2010' in update_1
    assert "**Date searched:** 2024-05-02" in update_1
    assert 'TS=("goodness of fit" OR "open access") AND PY=(1950-2024)' in update_1
    assert "**Database:** Web of Science Core Collection" in update_1
    assert "#### searches/embase/embase-2024-05-06.xml" in update_1
    assert 'TITLE-ABS-KEY(widget* OR "pelayanan publik") AND PUBYEAR > 2008' in update_2
    assert "**Date searched:** 2024-11-04" in update_2
    assert "scopus-2024-05-02.csv" not in update_2  # imported once, one search
    # The table's "Reported" column: the hits declared for the files imported in that update.
    assert re.search(r"^\| scopus \|[^|]*\|[^|]*\| 3 \|", update_1, re.M)
    assert re.search(r"^\| scopus \|[^|]*\|[^|]*\| 2 \|", update_2, re.M)
    assert re.search(r"^\| wos \|[^|]*\|[^|]*\|  \|", update_1, re.M)  # none declared


def test_a_changed_export_says_what_it_added_and_dropped(tmp_path: Path) -> None:
    review = tmp_path / "review.toml"
    review.write_text(
        '[review]\nid = "w"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "files"\nname = "wos"\npath = "*.txt"\n',
        encoding="utf-8",
    )
    export = tmp_path / "wos.txt"
    original = (FILES / "wos-2024-05-03.txt").read_text(encoding="utf-8")
    export.write_text(original, encoding="utf-8")
    db = tmp_path / "store.duckdb"
    assert run_cli("run", review, "--db", db).returncode == 0
    # The team re-exported: the Kolmogorov-Smirnov record is gone, a new one is there.
    head, _, rest = original.partition("PT J\nAU Massey")
    rest = rest.split("\nER\n", 1)[1].removesuffix("EF\n")
    new_record = (
        "PT J\nAU Utami, S\nTI Mobile licensing services in Indonesian regencies\n"
        "SO JURNAL ADMINISTRASI PUBLIK\nPY 2023\nDI 10.1234/jap.2023.0007\n"
        "UT WOS:000899999900001\nER\n\nEF\n"
    )
    export.write_text(head + rest + new_record, encoding="utf-8")
    run = run_cli("run", review, "--db", db)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "replaces the earlier version of this file: records added 1, dropped 1" in run.stdout
    diff = run_cli("snapshots", "diff", "1", "2", "--db", db).stdout
    assert "- " in diff and "Kolmogorov" in diff
    assert "+ " in diff and "Mobile licensing" in diff


def test_bad_exports_are_one_line_each_and_the_rest_is_imported(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(FILES / "scopus-2024-05-02.csv", tmp_path / "in" / "scopus.csv")
    (tmp_path / "in" / "notes.txt").write_text("Searched Scopus on 2 May.\n", encoding="utf-8")
    whole = (FILES / "embase-2024-05-06.xml").read_text(encoding="utf-8")
    (tmp_path / "in" / "embase.xml").write_text(whole[: len(whole) // 2], encoding="utf-8")
    wos = (FILES / "wos-2024-05-03.txt").read_text(encoding="utf-8")
    (tmp_path / "in" / "wos.txt").write_text(wos[: wos.index("PT J\nAU Nugroho")] + "PT J\nAU X")
    review = tmp_path / "review.toml"
    review.write_text(
        '[review]\nid = "bad"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "files"\nname = "exports"\npath = "in/*"\n'
        '[[sources.searches]]\nfile = "in/scopus.csv"\nhits = 120\n'
        '[[sources]]\nconnector = "files"\nname = "pubmed"\npath = "pubmed/*.csv"\n',
        encoding="utf-8",
    )
    (tmp_path / "pubmed").mkdir()
    shutil.copy(FIXTURES / "exports" / "pubmed.csv", tmp_path / "pubmed" / "pubmed.csv")
    db = tmp_path / "store.duckdb"
    result = run_cli("run", review, "--db", db)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4, result.stdout
    by_file = {Path(line.split(": ")[1]).name: line for line in errors}
    assert "matches no export format" in by_file["notes.txt"]
    assert "not well-formed EndNote XML" in by_file["embase.xml"]
    assert "export cut short" in by_file["wos.txt"]
    assert "fewer than the 120 hits declared" in by_file["scopus.csv"]
    # The Scopus file (flagged, but whole) and the other source are in.
    assert "Snapshot 1: 7 unique records" in result.stdout
    # The files that could not be read are tried again at the next run; nothing twice.
    again = run_cli("run", review, "--db", db)
    assert again.stdout.count("error: ") == 3
    assert "0 new since the previous snapshot" in again.stdout


def test_garuda_results_collected_by_hand_in_the_template(tmp_path: Path) -> None:
    """docs/sources/garuda.md's second route: Garuda's search results copied into its CSV
    template, imported as a file source, exported for screening."""
    template = (ROOT / "docs" / "sources" / "garuda-template.csv").read_text(encoding="utf-8")
    filled = (FILES / "garuda-2024-05-07.csv").read_text(encoding="utf-8")
    assert filled.splitlines()[0] == template.strip()
    (tmp_path / "garuda").mkdir()
    shutil.copy(FILES / "garuda-2024-05-07.csv", tmp_path / "garuda")
    review = tmp_path / "review.toml"
    review.write_text(
        '[review]\nid = "g"\n[query]\ntext = \'"pelayanan terpadu" OR perizinan\'\n'
        '[[sources]]\nconnector = "files"\nname = "garuda"\npath = "garuda/*.csv"\n'
        'database = "Garuda"\n'
        '[[sources.searches]]\nfile = "garuda/garuda-2024-05-07.csv"\ndate = 2024-05-07\n'
        'query = "perizinan online (search page, sorted by relevance)"\nhits = 2\n',
        encoding="utf-8",
    )
    db = tmp_path / "store.duckdb"
    run = run_cli("run", review, "--db", db)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "garuda: garuda/garuda-2024-05-07.csv (Garuda): 2 records, 2 new" in run.stdout
    out = tmp_path / "garuda.ris"
    assert run_cli("export", review, "--db", db, "--format", "ris", "--out", out).returncode == 0
    entries = {e["title"]: e for e in rispy.loads(out.read_text(encoding="utf-8"))}
    batam = entries["Efektivitas Online Single Submission dalam Perizinan Berusaha di Kota Batam"]
    assert batam["authors"] == ["Siregar, Maya", "Hasibuan, Roni"]
    assert (batam["secondary_title"], batam["year"]) == ("Jurnal Dialektika Publik", "2022")
    assert (batam["volume"], batam["number"], batam["start_page"]) == ("7", "1", "1")
    assert batam["doi"] == "10.1234/jdp.v7i1.4410"
    sleman = entries["Inovasi Pelayanan Perizinan Melalui Mal Pelayanan Publik di Kabupaten Sleman"]
    assert sleman["urls"] == ["https://garuda.kemdiktisaintek.go.id/documents/detail/2345678"]
