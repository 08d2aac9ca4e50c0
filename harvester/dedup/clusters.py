"""Incremental clustering inside the store.

Works without a cluster are matched against every clustered work and against each other; a
match joins the existing cluster (its id never changes), everything else opens a new one. This
first pass matches on the normalized DOI only; every membership stores its reason.
"""

from __future__ import annotations

from datetime import datetime

from harvester.store import Store


def update_clusters(store: Store, *, run_id: int | None, now: datetime) -> int:
    """Give every unclustered work a cluster; returns how many works were placed."""
    with store.transaction() as con:
        pending = con.execute(
            """SELECT count(*) FROM works w
               WHERE NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.work_id = w.work_id)"""
        ).fetchone()
        if not pending or not pending[0]:
            return 0
        # 1. Same DOI as a work already clustered: join that cluster.
        con.execute(
            """INSERT INTO cluster_members
               SELECT w.work_id, arg_min(m.cluster_id, m.work_id), 'doi',
                      min(m.work_id), ?, ?
               FROM works w
               JOIN works o ON o.doi = w.doi AND o.work_id <> w.work_id
               JOIN cluster_members m ON m.work_id = o.work_id
               WHERE w.doi IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM cluster_members x WHERE x.work_id = w.work_id)
               GROUP BY w.work_id""",
            [run_id, now],
        )
        # 2. The rest: the first work of each new DOI (or each work without one) opens a
        #    cluster, later works with the same DOI join it.
        con.execute(
            """CREATE OR REPLACE TEMP TABLE pending AS
               SELECT w.work_id, coalesce(w.doi, w.work_id) AS match_key,
                      min(w.work_id) OVER (PARTITION BY coalesce(w.doi, w.work_id)) AS leader
               FROM works w
               WHERE NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.work_id = w.work_id)"""
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE leaders AS
               SELECT leader, 'C' || lpad(CAST(nextval('cluster_seq') AS VARCHAR), 7, '0')
                        AS cluster_id
               FROM (SELECT DISTINCT leader FROM pending ORDER BY leader)"""
        )
        con.execute(
            """INSERT INTO cluster_members
               SELECT p.work_id, l.cluster_id,
                      CASE WHEN p.work_id = p.leader THEN 'first' ELSE 'doi' END,
                      CASE WHEN p.work_id = p.leader THEN NULL ELSE p.leader END, ?, ?
               FROM pending p JOIN leaders l USING (leader)""",
            [run_id, now],
        )
        con.execute("DROP TABLE pending")
        con.execute("DROP TABLE leaders")
        return int(pending[0])
