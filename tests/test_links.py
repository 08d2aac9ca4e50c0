"""Links a screener needs: a preprint and its journal version, an article and its retraction
notice, shown by `snapshots show`, carried by exports, and read by `snapshot_links`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from harvester.reporting.links import Link, snapshot_links
from harvester.service.status import link_rows
from harvester.store import open_store
from harvester.work import Work
from tests.conftest import publish_snapshot, run_cli

TITLE = "Digital licensing services in Indonesian regencies: a panel study"
AUTHORS = ("Wibowo, Agus", "Rahmawati, Sri")
WORKS = [
    Work(
        "src",
        "preprint",
        doi="10.48550/arxiv.2001.00001",
        title=TITLE,
        authors=AUTHORS,
        year=2020,
        type="posted-content",
        venue="arXiv",
        ids={"arxiv": "2001.00001"},
    ),
    Work(
        "src",
        "article",
        doi="10.1234/jap.2021.1",
        title=TITLE,
        authors=AUTHORS,
        year=2021,
        type="journal-article",
        venue="Jurnal Administrasi Publik",
        volume="12",
        pages="1-20",
    ),
    Work(
        "src",
        "notice",
        doi="10.1234/jap.2022.9",
        title=f"Retraction notice to: {TITLE}",
        year=2022,
        type="journal-article",
        venue="Jurnal Administrasi Publik",
        retracts=("10.1234/jap.2021.1",),
    ),
]


def linked_snapshot(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    review = tmp_path / "review.toml"
    review.write_text(
        '[review]\nid = "l"\n[query]\ntext = "x"\n'
        '[[sources]]\nconnector = "files"\nname = "src"\npath = "none/*"\n',
        encoding="utf-8",
    )
    db = tmp_path / "store.duckdb"
    publish_snapshot(db, review, WORKS)
    with open_store(db, read_only=True) as store:
        clusters = dict(store.rows("SELECT work_id, cluster_id FROM cluster_members"))
    return review, db, {w.source_id: clusters[w.key] for w in WORKS}


def test_links_are_stored_both_ways_and_read_back(tmp_path: Path) -> None:
    _, db, cluster = linked_snapshot(tmp_path)
    with open_store(db, read_only=True) as store:
        links = snapshot_links(store, 1)
    preprint, article, notice = cluster["preprint"], cluster["article"], cluster["notice"]
    assert links[preprint] == [Link("published version", article)]
    assert links[article] == [Link("preprint", preprint), Link("retraction notice", notice)]
    assert links[notice] == [Link("retracts", article)]


def test_snapshots_show_and_exports_name_the_linked_cluster(tmp_path: Path) -> None:
    review, db, cluster = linked_snapshot(tmp_path)
    shown = run_cli("snapshots", "show", "1", "--db", db).stdout
    assert f"-> published version: {cluster['article']}" in shown
    assert f"-> retraction notice: {cluster['notice']}" in shown
    out = tmp_path / "out.csv"
    assert run_cli("export", review, "--db", db, "--format", "csv", "--out", out).returncode == 0
    rows = {r["cluster_id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows[cluster["article"]]["links"] == (
        f"preprint: {cluster['preprint']}, retraction notice: {cluster['notice']}"
    )
    ris = tmp_path / "out.ris"
    assert run_cli("export", review, "--db", db, "--format", "ris", "--out", ris).returncode == 0
    assert f"linked: published version: {cluster['article']}" in ris.read_text()


def test_the_status_page_reads_each_link_with_both_titles(tmp_path: Path) -> None:
    _, db, cluster = linked_snapshot(tmp_path)
    with open_store(db, read_only=True) as store:
        rows = link_rows(store, 1)
    notice = next(r for r in rows if r.cluster_id == cluster["notice"])
    assert (notice.kind, notice.linked_cluster) == ("retracts", cluster["article"])
    assert notice.title == f"Retraction notice to: {TITLE}"
    assert notice.linked_title == TITLE
    assert len(rows) == 4  # two links, each seen from both ends
