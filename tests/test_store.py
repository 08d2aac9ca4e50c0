"""The DuckDB store: migrations, the one-writer lock, bulk upserts by (source, source_id)."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from harvester.errors import StoreError, StoreLockedError
from harvester.store import Store, open_store
from harvester.store.database import migrations
from harvester.store.records import RawRecord, write_page
from harvester.store.runs import move_watermark, watermark
from harvester.work import Work

NOW = datetime(2026, 11, 28, 12, 0)


def page(*titles: str, source: str = "crossref") -> list[RawRecord]:
    return [
        RawRecord(
            f"10.1000/{i}",
            f'{{"t": "{t}"}}',
            Work(source, f"10.1000/{i}", doi=f"10.1000/{i}", title=t),
        )
        for i, t in enumerate(titles)
    ]


def write(store: Store, records: list[RawRecord], run_id: int = 1):  # type: ignore[no-untyped-def]
    with store.transaction() as con:
        return write_page(
            con,
            run_id=run_id,
            review_id="r",
            source="crossref",
            connector="crossref",
            records=records,
            now=NOW,
        )


def test_migrations_run_once_and_record_their_version(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store.duckdb"  # missing directories are created
    with open_store(path) as store:
        assert store.schema_version == migrations()[-1][0]
    with open_store(path) as store:
        assert store.value("SELECT count(*) FROM schema_version") == len(migrations())


def test_same_page_twice_stores_each_record_once(store: Store) -> None:
    first = write(store, page("a", "b", "c"))
    again = write(store, page("a", "b", "c"), run_id=2)
    assert (first.new, again.new, again.changed) == (3, 0, 0)
    assert store.value("SELECT count(*) FROM raw_records") == 3
    assert store.value("SELECT count(*) FROM works") == 3
    assert store.value("SELECT min(last_run) FROM raw_records") == 2


def test_a_changed_record_is_updated_in_place(store: Store) -> None:
    write(store, page("a", "b"))
    counts = write(store, page("a", "B changed"), run_id=2)
    assert (counts.new, counts.changed) == (0, 1)
    assert store.value("SELECT title FROM works WHERE source_id = '10.1000/1'") == "B changed"


def test_unmapped_records_are_kept_raw(store: Store) -> None:
    counts = write(store, [RawRecord("x", '{"bad": true}', None, "KeyError: 'DOI'")])
    assert counts.skipped == 1
    assert store.rows("SELECT mapped, error FROM raw_records") == [(False, "KeyError: 'DOI'")]
    assert store.value("SELECT count(*) FROM works") == 0


def test_records_the_local_filter_rejects_are_stored_but_not_matched(store: Store) -> None:
    records = page("a", "b", "c")
    counts = write(store, [records[0], replace(records[1], matched=False), records[2]])
    assert counts.filtered_out == 1
    assert store.value("SELECT count(*) FROM works") == 3
    assert store.rows("SELECT work_id FROM review_records WHERE NOT matched") == [
        ("crossref:10.1000/1",)
    ]
    # The latest verdict wins: a later run (another strategy) may accept the record.
    again = write(store, page("a", "b", "c"), run_id=2)
    assert again.filtered_out == 0
    assert store.value("SELECT count(*) FROM review_records WHERE NOT matched") == 0


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as con:
        write_page(
            con,
            run_id=1,
            review_id="r",
            source="crossref",
            connector="crossref",
            records=page("a"),
            now=NOW,
        )
        raise RuntimeError("crash after the insert, before the commit")
    assert store.value("SELECT count(*) FROM raw_records") == 0


def test_watermark_never_moves_back(store: Store) -> None:
    with store.transaction() as con:
        move_watermark(con, "r", "crossref", "q", datetime(2026, 5, 1), 1, NOW)
        move_watermark(con, "r", "crossref", "q", datetime(2026, 1, 1), 2, NOW)
    assert watermark(store, "r", "crossref", "q") == datetime(2026, 5, 1)
    assert watermark(store, "r", "crossref", "other query") is None


def test_a_second_writer_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=rf"locked by pid {holder.pid}"):
            open_store(path)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    open_store(path).close()  # usable again once the holder is gone


def test_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("just some text, not a database\n" * 100)
    with pytest.raises(StoreError, match=r"notes\.duckdb"):
        open_store(path)


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "missing.duckdb", read_only=True)


def test_a_record_received_again_unchanged_costs_no_write_of_its_work(store: Store) -> None:
    write(store, page("a", "b"))
    later = NOW.replace(hour=13)
    with store.transaction() as con:
        again = write_page(
            con,
            run_id=2,
            review_id="r",
            source="crossref",
            connector="crossref",
            records=page("a", "B changed"),
            now=later,
        )
    assert (again.new, again.changed, again.unchanged) == (0, 1, 1)
    # Only the changed work is mapped again (and so keyed again by deduplication).
    assert store.rows("SELECT source_id, mapped_at FROM works ORDER BY 1") == [
        ("10.1000/0", NOW),
        ("10.1000/1", later),
    ]
    assert store.rows("SELECT last_run FROM raw_records ORDER BY source_id") == [(2,), (2,)]


def test_an_unchanged_record_is_linked_to_another_review_that_finds_it(store: Store) -> None:
    write(store, page("a"))
    with store.transaction() as con:
        counts = write_page(
            con,
            run_id=2,
            review_id="other",
            source="crossref",
            connector="crossref",
            records=[replace(page("a")[0], work=None, known=True)],
            now=NOW,
        )
    assert (counts.new, counts.unchanged, counts.skipped) == (0, 1, 0)
    assert store.rows("SELECT review_id FROM review_records ORDER BY 1") == [("other",), ("r",)]


def test_an_unchanged_record_judged_by_another_filter_is_relinked_with_its_judge(
    store: Store,
) -> None:
    write(store, page("a"))  # no filter judged it
    assert store.rows("SELECT matched, judged_by FROM review_records") == [(True, None)]
    judged = replace(page("a")[0], matched=False, judged_by="filter-1")
    with store.transaction() as con:
        counts = write_page(
            con,
            run_id=2,
            review_id="r",
            source="crossref",
            connector="crossref",
            records=[judged],
            now=NOW,
        )
    assert (counts.new, counts.changed, counts.unchanged) == (0, 0, 1)
    assert store.rows("SELECT matched, judged_by FROM review_records") == [(False, "filter-1")]
