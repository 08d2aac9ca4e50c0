"""Deduplication inside the store: incremental, stable cluster ids, a reason for every pair."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime

from harvester.dedup import update_clusters
from harvester.dedup.engine import deduplicate
from harvester.store import Store
from harvester.store.records import upsert_works
from harvester.work import Work

NOW = datetime(2025, 1, 1)


def article(source: str, n: int, **changes: object) -> Work:
    base = Work(
        source=source,
        source_id=str(n),
        title=f"Effects of intervention number {n} on outcomes in rural districts",
        authors=(f"Author{n}, A.", "Second, B."),
        year=2000 + n % 20,
        venue="Journal of Rural Studies",
        volume=str(n % 50 + 1),
        pages=f"{n}-{n + 9}",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def add(store: Store, works: list[Work], run_id: int) -> int:
    with store.transaction() as con:
        upsert_works(con, works, NOW)
    return update_clusters(store, run_id=run_id, now=NOW)


def clusters(store: Store) -> dict[str, str]:
    return dict(store.rows("SELECT work_id, cluster_id FROM cluster_members"))


def test_new_copies_join_existing_clusters_whose_ids_never_change(store: Store) -> None:
    assert add(store, [article("crossref", 1), article("crossref", 2)], 1) == 2
    before = clusters(store)
    copy = article(
        "openalex", 1, title="EFFECTS OF INTERVENTION NUMBER 1 ON OUTCOMES IN RURAL DISTRICTS"
    )
    assert add(store, [copy], 2) == 1
    after = clusters(store)
    assert after["openalex:1"] == before["crossref:1"]
    assert {k: after[k] for k in before} == before
    reason = store.value("SELECT reason FROM match_pairs WHERE work_b = 'openalex:1'")
    assert reason == "same title and full citation"
    assert store.value("SELECT reason FROM cluster_members WHERE work_id='openalex:1'") == reason


def test_a_record_bridging_two_clusters_merges_them_into_the_smaller_id(store: Store) -> None:
    # Two records that cannot be matched to each other directly (the title in English in
    # one, in Indonesian in the other), with nothing that says they are two articles...
    a = article("crossref", 1, title="Open source software in local government")
    b = article(
        "pubmed", 1, title="Perangkat lunak sumber terbuka di pemerintah daerah", pages=None
    )
    add(store, [a, b], 1)
    first = clusters(store)
    assert first["crossref:1"] != first["pubmed:1"]
    # ...and a third that matches each of them: its title in both languages.
    bridge = dataclasses.replace(a, source="openalex", other_titles=(b.title or "",), pages=None)
    add(store, [bridge], 2)
    after = clusters(store)
    survivor = min(first["crossref:1"], first["pubmed:1"])
    absorbed = max(first["crossref:1"], first["pubmed:1"])
    assert after["crossref:1"] == after["pubmed:1"] == after["openalex:1"] == survivor
    merged = store.rows("SELECT merged_id, into_id, run_id FROM cluster_merges")
    assert merged == [(absorbed, survivor, 2)]


def test_a_record_matching_two_articles_joins_one_of_them(store: Store) -> None:
    # Two articles with one title, two years apart (two DOIs, two years: two items)...
    a = article("crossref", 1, year=2000, doi="10.1/a", pages=None)
    b = article("pubmed", 1, year=2002, doi="10.1/b", pages=None)
    add(store, [a, b], 1)
    first = clusters(store)
    # ...and a record without DOI between them, a year from each: it matches both, but
    # joining both would put two articles in one cluster.
    bridge = article("openalex", 1, year=2001, pages=None)
    add(store, [bridge], 2)
    after = clusters(store)
    assert after["crossref:1"] == first["crossref:1"] != after["pubmed:1"] == first["pubmed:1"]
    assert after["openalex:1"] in (after["crossref:1"], after["pubmed:1"])
    assert store.value("SELECT count(*) FROM cluster_merges") == 0
    # Deduplicating all three at once keeps the two articles apart as well.
    at_once = deduplicate([(w.key, w) for w in (a, b, bridge)]).root
    assert at_once[a.key] != at_once[b.key]


def test_nothing_new_means_nothing_to_do(store: Store) -> None:
    add(store, [article("crossref", 1)], 1)
    assert update_clusters(store, run_id=2, now=NOW) == 0


def generated(count: int, seed: int) -> list[Work]:
    """A set with exact copies, reformatted copies and near-miss non-duplicates."""
    rng = random.Random(seed)
    works = []
    for n in range(count):
        works.append(article("a", n, doi=f"10.1/{n}" if n % 3 else None))
        roll = rng.random()
        if roll < 0.3:
            works.append(article("b", n, title=article("a", n).title.upper(), doi=None))
        elif roll < 0.4:
            works.append(article("c", n, doi=f"10.1/{n}", pages=None))
        elif roll < 0.5:
            works.append(article("d", n, title=f"Erratum: {article('a', n).title}"))
    rng.shuffle(works)
    return works


def partition(pairs: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for item, group in pairs.items():
        groups.setdefault(group, set()).add(item)
    return {frozenset(g) for g in groups.values()}


def test_incremental_gives_the_same_clusters_as_all_at_once(store: Store) -> None:
    works = generated(300, seed=7)
    add(store, works[:150], 1)
    add(store, works[150:260], 2)
    add(store, works[260:], 3)
    at_once = deduplicate([(w.key, w) for w in works])
    assert partition(clusters(store)) == partition(at_once.root)
    assert len(partition(at_once.root)) < len(works)  # the set really has duplicates


def test_the_stored_key_table_has_every_key_the_engine_computes(store: Store) -> None:
    from harvester.dedup.keys import KEY_COLUMNS

    columns = [row[0] for row in store.rows("DESCRIBE dedup_keys")]
    assert sorted(columns) == sorted([*KEY_COLUMNS, "keyed_at", "keys_version"])


def test_keys_made_by_older_rules_are_made_again_and_matched_again(store: Store) -> None:
    from harvester.dedup.keys import KEYS_VERSION

    first = article("crossref", 1, pages="S41-7")
    copy = dataclasses.replace(first, source="pubmed", title=(first.title or "").upper())
    add(store, [first, article("crossref", 2)], 1)
    before = clusters(store)
    # Keys stored by an older harvester: a key spelt otherwise ("s41" would not meet the
    # copy's "41"), and no version.
    with store.transaction() as con:
        con.execute("UPDATE dedup_keys SET keys_version = 0, page_first_bare = 's41'")
    assert add(store, [copy], 2) == 1
    keys = store.rows("SELECT DISTINCT keys_version, page_first_bare FROM dedup_keys")
    assert sorted(keys, key=str) == sorted([(KEYS_VERSION, "41"), (KEYS_VERSION, "2")], key=str)
    after = clusters(store)
    assert {k: after[k] for k in before} == before  # cluster ids never change
    assert after["pubmed:1"] == after["crossref:1"]
    # Nothing stale is left: the next update has nothing to do.
    assert add(store, [], 3) == 0


def test_a_record_sent_again_unchanged_is_not_compared_again(store: Store) -> None:
    def update(works: list[Work], run_id: int) -> int:
        when = datetime(2025, 1, run_id)  # each update later than the one before
        with store.transaction() as con:
            upsert_works(con, works, when)
        return update_clusters(store, run_id=run_id, now=when)

    first = article("crossref", 1)
    copy = article("openalex", 1, title=(first.title or "").upper())
    update([first, copy, article("crossref", 2)], 1)
    judged = store.rows("SELECT work_a, work_b, run_id FROM match_pairs")
    assert judged == [("crossref:1", "openalex:1", 1)]
    # Stored again (its mapped_at moves on): keyed as before, so compared with nothing.
    assert update([first], 2) == 0
    assert store.rows("SELECT work_a, work_b, run_id FROM match_pairs") == judged
    assert update([], 3) == 0  # and not keyed again at the next update
    # Changed where matching looks: compared again, and still one article.
    before = clusters(store)
    update([dataclasses.replace(first, abstract="A new abstract of the article.")], 4)
    assert store.rows("SELECT run_id FROM match_pairs") == [(4,)]
    assert clusters(store) == before
