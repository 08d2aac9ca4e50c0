-- Living-review reporting: retraction notices, and what each screener has been handed.

-- A retraction notice names the DOIs it retracts (Crossref `update-to`), so the retracted
-- article is flagged even when only the notice was harvested, or harvested later.
ALTER TABLE works ADD COLUMN retracts VARCHAR[];

CREATE SEQUENCE export_seq START 1;

-- Every export written for a named screener (`harvester export --for NAME`).
CREATE TABLE screener_exports (
    export_id    INTEGER PRIMARY KEY,
    review_id    VARCHAR NOT NULL,
    screener     VARCHAR NOT NULL,
    snapshot_id  INTEGER NOT NULL,
    format       VARCHAR NOT NULL,
    path         VARCHAR NOT NULL,
    records      INTEGER NOT NULL,
    exported_at  TIMESTAMP NOT NULL
);

-- Each cluster a screener was given, once: re-running an export never hands it over again.
CREATE TABLE screener_clusters (
    review_id    VARCHAR NOT NULL,
    screener     VARCHAR NOT NULL,
    cluster_id   VARCHAR NOT NULL,
    export_id    INTEGER NOT NULL,
    PRIMARY KEY (review_id, screener, cluster_id)
);
