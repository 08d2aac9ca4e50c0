"""Exports stream a snapshot from the store a chunk at a time and write entry by entry, giving
the bytes a whole-list export gave (tests/fixtures/store-v9/expected, written at schema v9)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library

from harvester.exports import FORMATS, bibtex, export_records, stream
from harvester.exports.ris import ris_entry, write_ris
from harvester.exports.stream import scope_ids, stream_records
from harvester.store import open_store
from tests.conftest import FIXTURES

V9 = FIXTURES / "store-v9"


def _record(n: int) -> dict[str, object]:
    return {"cluster_id": f"C{n:07d}", "title": f"Title {n}", "year": 2000 + n, "type": "article"}


@pytest.mark.parametrize("count", [0, 1, 2, 5, 6, 11])
def test_ris_and_bibtex_entry_by_entry_match_the_whole_list(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bibtex, "BIBTEX_CHUNK", 5)
    records = [_record(n) for n in range(count)]
    ris = io.StringIO()
    assert write_ris(iter(records), ris) == count
    assert ris.getvalue() == rispy.dumps([ris_entry(r) for r in records])
    whole = Library()
    for record in records:
        whole.add(bibtex.bibtex_entry(record))
    written = io.StringIO()
    assert bibtex.write_bibtex(iter(records), written) == count
    assert written.getvalue() == write_string(whole)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_snapshot_read_in_small_chunks_exports_the_same_bytes(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "EXPORT_CHUNK", 7)
    monkeypatch.setattr(bibtex, "BIBTEX_CHUNK", 5)
    db = tmp_path / "store.duckdb"
    shutil.copy(V9 / "store.duckdb", db)
    with open_store(db) as store:
        for snapshot in (2, 3):
            out = tmp_path / f"{snapshot}.{fmt}"
            ids = scope_ids(store, snapshot)
            assert export_records(stream_records(store, snapshot, ids, None), fmt, out) == len(ids)
            assert out.read_bytes() == (V9 / "expected" / f"export-{snapshot}.{fmt}").read_bytes()
        out = tmp_path / "new.jsonl"
        ids = scope_ids(store, 4, since=1)
        export_records(stream_records(store, 4, ids, None), "jsonl", out)
        assert out.read_bytes() == (V9 / "expected" / "export-new-4.jsonl").read_bytes()
