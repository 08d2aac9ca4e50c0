"""Incremental clustering inside the store, run after every harvest.

New works (and works whose record changed) are keyed once into `dedup_keys`, blocked against
every work already keyed, scored and judged (see `harvester.dedup.engine`). Accepted pairs go
to `match_pairs` with their reason. Cluster ids are stable: a new work joins the cluster of the
work it matches; when it bridges two clusters, the smaller id keeps its id and the absorbed one
is recorded in `cluster_merges`; a work that matches nothing opens a new cluster.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import duckdb
import pyarrow as pa

from harvester.dedup.chains import consistent
from harvester.dedup.components import UnionFind
from harvester.dedup.engine import find_matches
from harvester.dedup.keying import fresh_keys
from harvester.dedup.keys import KEY_COLUMNS, KEYS_VERSION
from harvester.dedup.matches import Match, Matches
from harvester.dedup.rules import Settings
from harvester.store import Store

_SAME_KEYS = " AND ".join(
    f"f.{column} IS NOT DISTINCT FROM k.{column}" for column in KEY_COLUMNS if column != "work_id"
)


def update_clusters(
    store: Store, *, run_id: int | None, now: datetime, settings: Settings | None = None
) -> int:
    """Give every unclustered work a cluster; returns how many works were placed."""
    with store.transaction() as con:
        fresh = _key_fresh_works(con, now)
        if not fresh:
            return 0
        settings = settings or Settings()
        matches = find_matches(con, settings)
        matches = _without_chains(con, matches, settings)
        _record_pairs(con, matches, run_id, now)
        placed = _assign_clusters(con, matches.merged, run_id, now)
        con.execute("DROP TABLE fresh")
        return placed


def _without_chains(
    con: duckdb.DuckDBPyConnection, matches: Matches, settings: Settings
) -> Matches:
    """The matches less those that would chain two items into one cluster; clusters that
    exist stay whole (see `harvester.dedup.chains`)."""
    involved = sorted({w for m in matches.merged for w in (m.a, m.b)})
    if len(involved) < 3:
        return matches
    con.register("involved", pa.table({"work_id": pa.array(involved, pa.string())}))
    try:
        clusters = dict(
            con.execute(
                """SELECT m.work_id, m.cluster_id FROM cluster_members m
                   WHERE m.cluster_id IN (
                       SELECT cluster_id FROM cluster_members
                       WHERE work_id IN (SELECT work_id FROM involved))"""
            ).fetchall()
        )
    finally:
        con.unregister("involved")
    merged = consistent(con, matches.merged, settings, clusters=clusters)
    return Matches(merged, matches.linked, matches.candidates)


def _key_fresh_works(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Key the works that are new, changed since they were keyed, or keyed by older rules;
    table `fresh` names those to match (not those keyed as before); how many."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE fresh AS
           SELECT w.work_id FROM works w
           LEFT JOIN dedup_keys k USING (work_id)
           WHERE k.work_id IS NULL OR k.keyed_at < w.mapped_at OR k.keys_version < ?
              OR w.work_id NOT IN (SELECT work_id FROM cluster_members)""",
        [KEYS_VERSION],
    )
    count = int(con.execute("SELECT count(*) FROM fresh").fetchall()[0][0])
    if not count:
        return 0
    table = fresh_keys(con, count)
    table = table.append_column("keyed_at", pa.array([now] * table.num_rows, pa.timestamp("us")))
    table = table.append_column(
        "keys_version", pa.array([KEYS_VERSION] * table.num_rows, pa.int32())
    )
    con.register("fresh_keys", table)
    try:
        # A clustered work keyed as before (sent again unchanged, or changed in fields that
        # matching does not read) was judged against every other when the later of each pair
        # arrived: it is not compared again.
        con.execute(
            f"""DELETE FROM fresh WHERE work_id IN (
                  SELECT f.work_id FROM fresh_keys f JOIN dedup_keys k USING (work_id)
                  WHERE k.keys_version = ? AND {_SAME_KEYS}
                    AND f.work_id IN (SELECT work_id FROM cluster_members))""",
            [KEYS_VERSION],
        )
        con.execute("DELETE FROM dedup_keys WHERE work_id IN (SELECT work_id FROM fresh_keys)")
        con.execute(
            f"INSERT INTO dedup_keys ({', '.join(KEY_COLUMNS)}, keyed_at, keys_version) "
            "SELECT * FROM fresh_keys"
        )
    finally:
        con.unregister("fresh_keys")
    return int(con.execute("SELECT count(*) FROM fresh").fetchall()[0][0])


def _record_pairs(
    con: duckdb.DuckDBPyConnection, matches: Matches, run_id: int | None, now: datetime
) -> None:
    pairs = [(m, False) for m in matches.merged] + [(m, True) for m in matches.linked]
    if not pairs:
        return
    table = pa.table(
        {
            "work_a": pa.array([m.a for m, _ in pairs], pa.string()),
            "work_b": pa.array([m.b for m, _ in pairs], pa.string()),
            "reason": pa.array([m.reason for m, _ in pairs], pa.string()),
            "score": pa.array([m.score for m, _ in pairs], pa.float64()),
            "linked": pa.array([linked for _, linked in pairs], pa.bool_()),
        }
    )
    con.register("new_pairs", table)
    try:
        con.execute(
            """INSERT INTO match_pairs
               SELECT work_a, work_b, reason, score, linked, ?, ? FROM new_pairs
               ON CONFLICT (work_a, work_b) DO UPDATE SET
                 reason = excluded.reason, score = excluded.score, linked = excluded.linked,
                 run_id = excluded.run_id, matched_at = excluded.matched_at""",
            [run_id, now],
        )
    finally:
        con.unregister("new_pairs")


def _assign_clusters(
    con: duckdb.DuckDBPyConnection, merged: list[Match], run_id: int | None, now: datetime
) -> int:
    """Place unclustered works and merge clusters that new pairs bridge."""
    involved = pa.table({"work_id": pa.array(sorted({w for m in merged for w in (m.a, m.b)}))})
    con.register("involved", involved)
    try:
        current = dict(
            con.execute(
                """SELECT m.work_id, m.cluster_id FROM cluster_members m
                   WHERE m.work_id IN (SELECT work_id FROM involved)"""
            ).fetchall()
        )
    finally:
        con.unregister("involved")
    pending = [
        row[0]
        for row in con.execute(
            """SELECT work_id FROM fresh
               WHERE work_id NOT IN (SELECT work_id FROM cluster_members) ORDER BY work_id"""
        ).fetchall()
    ]

    # Works already clustered stand for their cluster ("C..." sorts before any work id we
    # create below, and the smallest cluster id of a component wins).
    def node(work_id: str) -> str:
        cluster = current.get(work_id)
        return f"\x00{cluster}" if cluster else work_id

    sets = UnionFind()
    first_match: dict[str, Match] = {}
    for match in sorted(merged, key=lambda m: (m.a, m.b)):
        sets.union(node(match.a), node(match.b))
        for own in (match.a, match.b):
            if own not in current:
                first_match.setdefault(own, match)
    for work_id in pending:
        sets.find(work_id)

    components: dict[str, list[str]] = defaultdict(list)
    for item in list(sets.parent):
        components[sets.find(item)].append(item)
    new_members: list[tuple[str, str, str, str | None]] = []
    merges: list[tuple[str, str, str]] = []
    grouped = [
        (
            sorted(i[1:] for i in items if i.startswith("\x00")),
            sorted(i for i in items if not i.startswith("\x00")),
        )
        for items in components.values()
    ]
    # New clusters are numbered in the order of their first work, so ids do not depend on
    # the order pairs were found in.
    unclustered = sorted((works for clusters, works in grouped if not clusters), key=min)
    fresh_ids = iter(_next_cluster_ids(con, len(unclustered)))
    targets = {id(works): next(fresh_ids) for works in unclustered}
    for clusters, works in grouped:
        if clusters:
            target = clusters[0]
            for absorbed in clusters[1:]:
                via = [first_match[w] for w in works if w in first_match]
                why = f"bridged by {via[0].a}: {via[0].reason}" if via else "bridged"
                merges.append((absorbed, target, why))
        else:
            target = targets[id(works)]
        for work_id in works:
            if work_id in first_match:
                found = first_match[work_id]
                partner = found.b if found.a == work_id else found.a
                new_members.append((work_id, target, found.reason, partner))
            else:
                new_members.append((work_id, target, "first", None))
    for absorbed, target, why in merges:
        con.execute(
            "UPDATE cluster_members SET cluster_id = ? WHERE cluster_id = ?", [target, absorbed]
        )
        con.execute(
            """INSERT INTO cluster_merges VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (merged_id) DO UPDATE SET into_id = excluded.into_id""",
            [absorbed, target, run_id, why, now],
        )
        # Earlier merges into the absorbed cluster now point at the survivor.
        con.execute("UPDATE cluster_merges SET into_id = ? WHERE into_id = ?", [target, absorbed])
    if new_members:
        table = pa.table(
            {
                "work_id": pa.array([m[0] for m in new_members], pa.string()),
                "cluster_id": pa.array([m[1] for m in new_members], pa.string()),
                "reason": pa.array([m[2] for m in new_members], pa.string()),
                "matched_with": pa.array([m[3] for m in new_members], pa.string()),
            }
        )
        con.register("new_members", table)
        try:
            con.execute(
                "INSERT INTO cluster_members SELECT *, ?, ? FROM new_members", [run_id, now]
            )
        finally:
            con.unregister("new_members")
    return len(new_members)


def _next_cluster_ids(con: duckdb.DuckDBPyConnection, count: int) -> list[str]:
    if not count:
        return []
    rows = con.execute(
        "SELECT nextval('cluster_seq') AS n FROM range(?) ORDER BY n", [count]
    ).fetchall()
    return [f"C{int(row[0]):07d}" for row in rows]
