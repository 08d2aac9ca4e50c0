"""Large inputs are prepared on every core: the records and keys must not depend on that."""

from __future__ import annotations

import pickle

import pytest

from harvester.dedup import prepare as prepare_module
from harvester.dedup.prepare import prepare
from harvester.inputs import RawEntry
from harvester.work import Work


def test_a_work_survives_the_trip_to_a_worker_and_back() -> None:
    work = Work(source="a", source_id="1", title="T", ids={"pmid": "123", "pmcid": ""})
    again = pickle.loads(pickle.dumps(work))
    assert again == work and dict(again.ids) == {"pmid": "123"}
    with pytest.raises(TypeError):
        again.ids["pmid"] = "9"  # type: ignore[index]  # still read-only


def test_records_and_keys_are_the_same_on_one_core_or_several(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [
        RawEntry(
            "refs.ris",
            i,
            {
                "title": f"Open source software in e-government, study {i % 37}",
                "authors": ["Smith, John", f"Jones{i % 5}, Kate"],
                "year": str(2000 + i % 20),
                "doi": f"10.1000/x{i}" if i % 3 else None,
                "pmid": str(1000 + i) if i % 4 == 0 else None,
            },
            f"R{i}",
        )
        for i in range(1, 301)
    ]
    monkeypatch.setattr(prepare_module, "PARALLEL_FROM", 100)
    one_records, one_keys = prepare(entries, workers=1)
    many_records, many_keys = prepare(entries, workers=3)
    assert many_records == one_records
    assert [r.record_id for r in many_records] == [f"R{i}" for i in range(1, 301)]
    assert many_keys.equals(one_keys)
