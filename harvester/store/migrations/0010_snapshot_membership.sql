-- Snapshots as membership, not copies. Before, every snapshot stored every member cluster's
-- exported record again (a no-change update grew a 200k store by 70%). Now each version of a
-- cluster's entry (its records, sources and exported record) is stored once, with the first
-- and last snapshot of its review that held it; `snapshot_members` becomes a view with the
-- same columns (and `content`, to compare entries unread), so an old snapshot reads exactly as
-- it was written.
CREATE TABLE snapshot_entries (
    review_id          VARCHAR NOT NULL,
    cluster_id         VARCHAR NOT NULL,
    first_snapshot     INTEGER NOT NULL,
    last_snapshot      INTEGER,   -- NULL while the review's latest snapshot holds it
    -- What the record was made from (harvester.snapshot_entries); NULL when unknown (migrated):
    -- the next snapshot then makes the record again and keeps this entry if it is the same.
    fingerprint        UBIGINT,
    -- md5 of the entry (below): whether an entry made again is the same, without reading it.
    content            VARCHAR NOT NULL,
    canonical_work_id  VARCHAR NOT NULL,
    work_ids           VARCHAR[] NOT NULL,
    sources            VARCHAR[] NOT NULL,
    record             JSON NOT NULL
);

-- Consecutive snapshots of a review holding the same entry of a cluster become one row
-- ("gaps and islands": position minus row number is constant along an unbroken run).
INSERT INTO snapshot_entries
WITH positions AS (
    SELECT snapshot_id, review_id,
           row_number() OVER (PARTITION BY review_id ORDER BY snapshot_id) AS position,
           max(snapshot_id) OVER (PARTITION BY review_id) AS latest
    FROM snapshots
), held AS (
    SELECT p.review_id, p.position, p.latest, m.*,
           -- As harvester.snapshot_entries.CONTENT computes it.
           md5(CAST(to_json(struct_pack(c := m.canonical_work_id, w := m.work_ids,
                                        s := m.sources, r := CAST(m.record AS VARCHAR)))
                    AS VARCHAR)) AS content
    FROM snapshot_members m JOIN positions p USING (snapshot_id)
), islands AS (
    SELECT *, position - row_number() OVER (
                  PARTITION BY review_id, cluster_id, content ORDER BY position) AS island
    FROM held
)
SELECT review_id, cluster_id, min(snapshot_id),
       CASE WHEN max(snapshot_id) = any_value(latest) THEN NULL ELSE max(snapshot_id) END,
       NULL, content, any_value(canonical_work_id), any_value(work_ids), any_value(sources),
       any_value(record)
FROM islands
GROUP BY review_id, cluster_id, content, island
ORDER BY review_id, cluster_id, min(snapshot_id);

DROP TABLE snapshot_members;

CREATE VIEW snapshot_members AS
SELECT s.snapshot_id, e.cluster_id, e.canonical_work_id, e.work_ids, e.sources, e.record,
       e.content
FROM snapshots s
JOIN snapshot_entries e
  ON e.review_id = s.review_id
 AND e.first_snapshot <= s.snapshot_id
 AND (e.last_snapshot IS NULL OR s.snapshot_id <= e.last_snapshot);
