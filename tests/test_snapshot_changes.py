"""Why clusters change between snapshots: retractions, merges, new sources (a real store).

Records are real recorded Crossref/OpenAlex records mapped by the connectors; where a scenario
needs a record the recordings lack (a retraction notice, a retracted OpenAlex work, a second
source for the same DOI), it is derived from a recorded one and says so.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy

from connectors.crossref import Crossref
from connectors.openalex import OpenAlex
from harvester.dedup import update_clusters
from harvester.errors import InputError
from harvester.exports import FORMATS, load_snapshot_records
from harvester.exports.screener_log import given_clusters, remember_export
from harvester.query import Query
from harvester.reporting.diff import diff_snapshots
from harvester.reporting.prisma import prisma_report
from harvester.review import Review
from harvester.snapshot import create_snapshot
from harvester.store import Store
from harvester.store.records import RawRecord, write_page
from tests.conftest import API

NOW = datetime(2026, 11, 28, 12, 0)
REVIEW = Review(id="r", title="r", query=Query("x"), sources=(), path=Path("r.toml"))
PONE = "work-10.1371-journal.pone.0033693.json"


def crossref_raw(name: str, index: int = 0) -> dict[str, Any]:
    message = json.loads((API / "crossref" / name).read_text(encoding="utf-8"))["message"]
    return message["items"][index] if "items" in message else message


def openalex_raw(index: int = 0) -> dict[str, Any]:
    body = (API / "openalex" / "works-filter-cited_by-cursor-star.json").read_text("utf-8")
    return json.loads(body)["results"][index]


def harvest(store: Store, run_id: int, source: str, *raws: dict[str, Any], review: str = "r"):  # type: ignore[no-untyped-def]
    connector = Crossref() if source == "crossref" else OpenAlex()
    records = [RawRecord(connector.source_id(r), json.dumps(r), connector.to_work(r)) for r in raws]
    with store.transaction() as con:
        write_page(
            con,
            run_id=run_id,
            review_id=review,
            source=source,
            connector=source,
            records=records,
            now=NOW,
        )


def publish(store: Store, run_id: int, review: Review = REVIEW) -> int:
    update_clusters(store, run_id=run_id, now=NOW)
    return create_snapshot(store, review, run_id=run_id, now=NOW).snapshot_id


def exported(store: Store, snapshot: int, fmt: str) -> str:
    _, records = load_snapshot_records(store, "r", snapshot)
    out = io.StringIO()
    FORMATS[fmt](records, out)
    return out.getvalue()


def test_an_openalex_retraction_shows_as_newly_retracted(store: Store) -> None:
    record = openalex_raw(0)
    harvest(store, 1, "openalex", record)
    first = publish(store, 1)
    # The same work as OpenAlex serves it once the retraction is known.
    harvest(store, 2, "openalex", {**record, "is_retracted": True})
    second = publish(store, 2)
    diff = diff_snapshots(store, first, second)
    assert (diff.added, diff.removed) == ((), ())
    (change,) = diff.changed
    assert change.reasons == ("newly retracted",)
    (entry,) = rispy.loads(exported(store, second, "ris"))
    assert entry["notes"][0].endswith("; RETRACTED")
    assert "RETRACTED" not in exported(store, first, "ris")
    assert "RETRACTED" in exported(store, second, "csv").splitlines()[1]
    (bib,) = bibtexparser.parse_string(exported(store, second, "bibtex")).entries
    assert bib["note"].endswith("; RETRACTED")


def test_crossref_updated_by_retraction_flags_the_article() -> None:
    article = crossref_raw(PONE)
    assert not Crossref().to_work(article).retracted  # recorded: a correction only
    retracted = {**article, "updated-by": [{**article["updated-by"][0], "type": "retraction"}]}
    assert Crossref().to_work(retracted).retracted


def retraction_notice(article: dict[str, Any]) -> dict[str, Any]:
    """A Crossref retraction notice for `article`, its update-to shaped like the recorded
    `updated-by` entry (Crossref writes the same object on both sides)."""
    return {
        "DOI": "10.1371/journal.pone.0099999",
        "type": "journal-article",
        "title": [f"Retraction: {article['title'][0]}"],
        "container-title": article["container-title"],
        "update-to": [
            {**article["updated-by"][0], "DOI": article["DOI"], "type": "retraction"},
            {**article["updated-by"][0], "DOI": "10.1371/other", "type": "correction"},
        ],
    }


def test_a_crossref_retraction_notice_flags_the_article_it_points_at(store: Store) -> None:
    article = crossref_raw(PONE)
    notice = retraction_notice(article)
    assert Crossref().to_work(notice).retracts == ("10.1371/journal.pone.0033693",)
    harvest(store, 1, "crossref", article)
    first = publish(store, 1)
    harvest(store, 2, "crossref", notice)  # the notice arrives in a later update
    second = publish(store, 2)
    diff = diff_snapshots(store, first, second)
    (added,) = diff.added
    (changed,) = diff.changed
    assert added.reasons == ("new record",) and added.title.startswith("Retraction: ")
    assert changed.reasons == ("newly retracted",)
    _, records = load_snapshot_records(store, "r", second)
    article_record = next(r for r in records if r["doi"] == "10.1371/journal.pone.0033693")
    assert article_record["retraction_notices"] == ["10.1371/journal.pone.0099999"]
    rows = exported(store, second, "rayyan")
    assert "RETRACTED (notice: 10.1371/journal.pone.0099999)" in rows
    assert "retraction notice for 10.1371/journal.pone.0033693" in rows


def two_clusters_then_merged(store: Store, *, recorded: bool) -> tuple[int, int, str, str]:
    page = "works-query-ecology-query-author.json"
    harvest(store, 1, "crossref", crossref_raw(page, 0), crossref_raw(page, 1))
    first = publish(store, 1)
    keep, gone = sorted(r[0] for r in store.rows("SELECT cluster_id FROM cluster_members"))
    # What the deduplication of issue 5 does when it finds two clusters are one article.
    if recorded:
        store.execute(
            """CREATE TABLE IF NOT EXISTS cluster_merges (merged_id VARCHAR, into_id VARCHAR,
               run_id INTEGER, reason VARCHAR, merged_at TIMESTAMP)"""
        )
        store.execute(
            "INSERT INTO cluster_merges VALUES (?, ?, 2, 'same title and authors', ?)",
            [gone, keep, NOW],
        )
    store.execute("UPDATE cluster_members SET cluster_id = ? WHERE cluster_id = ?", [keep, gone])
    return first, publish(store, 2), keep, gone


@pytest.mark.parametrize("recorded", [True, False])
def test_a_merge_is_named_with_or_without_the_merge_table(store: Store, recorded: bool) -> None:
    first, second, keep, gone = two_clusters_then_merged(store, recorded=recorded)
    diff = diff_snapshots(store, first, second)
    (removed,) = diff.removed
    assert removed.cluster_id == gone and removed.merged_into == keep
    reason = f"merged into {keep}" + (" (same title and authors)" if recorded else "")
    assert removed.reasons == (reason,)
    (changed,) = diff.changed
    assert changed.cluster_id == keep and f"merged with {gone}" in changed.reasons
    update = prisma_report(store, "r", second).latest
    assert (update.merged_away, update.flow.to_screen, update.flow.identified_total) == (1, 0, 0)


def test_a_screener_who_saw_an_absorbed_cluster_is_not_given_it_again(store: Store) -> None:
    first, _, keep, gone = two_clusters_then_merged(store, recorded=True)
    with remember_export(
        store,
        review_id="r",
        screener="ann",
        snapshot_id=first,
        cluster_ids=[gone],
        fmt="ris",
        out=Path("x.ris"),
        now=NOW,
    ):
        pass
    assert given_clusters(store, "r", "ann") == {gone, keep}
    assert given_clusters(store, "r", "someone else") == set()


def test_a_second_source_for_a_known_article_is_a_duplicate_not_a_record_to_screen(
    store: Store,
) -> None:
    article = crossref_raw(PONE)
    harvest(store, 1, "crossref", article)
    first = publish(store, 1)
    # An OpenAlex record of the same article: a recorded OpenAlex work given the article's DOI,
    # title and citation (deduplication does not merge a shared DOI on another title, journal
    # or page: supplements share DOIs).
    title = article["title"][0]
    copy = {
        **openalex_raw(3),
        "doi": f"https://doi.org/{article['DOI']}",
        "title": title,
        "display_name": title,
        "publication_year": 2012,
        "primary_location": {"source": {"display_name": "PLoS ONE"}},
        "biblio": {"volume": "7", "issue": "3", "first_page": "e33693", "last_page": None},
    }
    harvest(store, 2, "openalex", copy)
    second = publish(store, 2)
    (changed,) = diff_snapshots(store, first, second).changed
    work_id = f"openalex:{copy['id'].rsplit('/', 1)[-1]}"
    assert changed.reasons[:2] == (f"new record: {work_id}", "new source: openalex")
    # The copy brings other fields (authors, abstract), so the exported record changed too.
    assert changed.reasons[2].startswith("record updated: ")
    report = prisma_report(store, "r", second)
    update = report.latest.flow
    assert (update.identified, update.duplicates_removed, update.to_screen) == (
        {"openalex": 1},
        1,
        0,
    )
    total = report.cumulative
    assert (total.identified, total.duplicates_removed, total.to_screen) == (
        {"crossref": 1, "openalex": 1},
        1,
        1,
    )


def test_snapshots_of_two_reviews_are_not_compared(store: Store) -> None:
    harvest(store, 1, "crossref", crossref_raw(PONE))
    mine = publish(store, 1)
    other = Review(id="other", title="o", query=Query("x"), sources=(), path=Path("o.toml"))
    harvest(store, 2, "crossref", crossref_raw(PONE), review="other")
    theirs = publish(store, 2, other)
    with pytest.raises(InputError, match="belong to different reviews"):
        diff_snapshots(store, mine, theirs)
    with pytest.raises(InputError, match=f"snapshot {theirs} belongs to review 'other'"):
        load_snapshot_records(store, "r", theirs)
