"""Real exports with the field shapes deduplication reads (origins in
tests/fixtures/dedup/real/README.md): parsed as the records say, kept apart where they are two
items."""

from __future__ import annotations

from pathlib import Path

from harvester.dedup.engine import candidate_features, in_memory
from harvester.dedup.keys import keys_table, work_keys
from harvester.dedup.rules import VETOES
from harvester.dedup.shapes import citation
from harvester.dedup.standalone import deduplicate_entries
from harvester.inputs import RawEntry, read_entries

REAL = Path(__file__).parent / "fixtures" / "dedup" / "real"


def _ovid_tagged(path: Path) -> list[dict[str, list[str]]]:
    """Records of an Ovid "Complete Reference" export: "TAG - value" lines, blank-separated."""
    records: list[dict[str, list[str]]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        for line in block.splitlines():
            if len(line) > 6 and line[4:6] == "- ":
                fields.setdefault(line[:4].strip(), []).append(line[6:].strip())
        if fields:
            records.append(fields)
    return records


def _ovid_entries() -> list[RawEntry]:
    return [
        RawEntry(
            "embase.txt",
            position,
            {
                "title": record["TI"][0],
                "authors": record["AU"],
                "venue": record["SO"][0],
                "doi": record["DO"][0],
                "year": record["YR"][0],
                "type": "abst",
            },
            record["UI"][0],
        )
        for position, record in enumerate(
            _ovid_tagged(REAL / "embase_ovid_meeting_abstracts.txt"), 1
        )
    ]


def test_ovid_source_field_is_taken_apart() -> None:
    entries = _ovid_entries()
    outcome = deduplicate_entries(entries)
    work = outcome.rows[0].record.work
    cited = citation(work)
    assert cited.journal == "BMC Proceedings"
    assert cited.conference is not None and cited.conference.startswith("2nd BEAT-PCD Conference")
    assert (cited.volume, cited.issue, cited.supplement, cited.pages) == ("12", None, "3", None)
    keys = work_keys("w", work)
    assert keys["category"] == "conference"
    assert keys["doi"] == "10.1186/s12919-018-0099-8"


def test_two_meeting_abstracts_under_the_supplements_doi_stay_two() -> None:
    entries = _ovid_entries()
    assert len(deduplicate_entries(entries).clusters) == 2
    records = deduplicate_entries(entries).rows
    keys = keys_table((row.record.key, row.record.work) for row in records)
    with in_memory(keys) as con:
        features = candidate_features(con)
    assert features is not None and len(features) == 1
    container = next(v for v in VETOES if v.name.startswith("one DOI for several items"))
    assert container.holds(features)[0]


def test_an_embase_erratum_is_not_its_article() -> None:
    outcome = deduplicate_entries(read_entries(REAL / "embase_erratum_and_article.ris"))
    assert len(outcome.clusters) == 2
    erratum, article = (row.record.work for row in outcome.rows)
    assert work_keys("e", erratum)["kind"] == "erratum"
    assert work_keys("a", article)["kind"] == ""
    # The citation Embase appends to an erratum's title is not part of it.
    assert work_keys("e", erratum)["title"] == (
        "erratum author correction a remarkable assemblage of petroglyphs and dinosaur "
        "footprints in northeast brazil"
    )
