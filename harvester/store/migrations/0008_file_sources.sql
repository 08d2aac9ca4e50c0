-- Database exports as sources of a review, titles and abstracts in several languages, and the
-- links a snapshot shows between clusters (a preprint and its journal version, an article and
-- its retraction notice).

-- Every title and abstract a source gave, each with its language (harvester.work.Text).
ALTER TABLE works ADD COLUMN titles STRUCT(text VARCHAR, language VARCHAR)[];
ALTER TABLE works ADD COLUMN abstracts STRUCT(text VARCHAR, language VARCHAR)[];

-- One row per file a file source imported: identified by its content (a file changed in place
-- is a new import that supersedes the one before it at that path), with the search it records
-- as the review file declares it (`[[sources.searches]]`).
CREATE TABLE file_imports (
    review_id      VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,   -- relative to the review file
    file_date      TIMESTAMP,          -- the file's modification time
    size           BIGINT NOT NULL,
    format         VARCHAR NOT NULL,
    records        INTEGER NOT NULL,
    added          INTEGER NOT NULL,   -- records not in the import it supersedes
    dropped        INTEGER NOT NULL,   -- records of the superseded import no longer in it
    supersedes     VARCHAR,            -- sha256 of the import before it at the same path
    database       VARCHAR,            -- declared, else recognised from the file
    searched_on    VARCHAR,            -- the date the search was run, as declared
    query          VARCHAR,            -- the query exactly as run in the database
    declared_hits  INTEGER,
    flag           VARCHAR,            -- e.g. fewer records than the hits declared
    run_id         INTEGER NOT NULL,
    imported_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (review_id, source, sha256)
);

-- Which records each import holds, with the record's own id and position in the file.
CREATE TABLE file_records (
    review_id  VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    work_id    VARCHAR NOT NULL,
    record_id  VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (review_id, source, sha256, work_id)
);

-- Links between the clusters of a snapshot: (cluster, kind, linked cluster), both directions.
CREATE TABLE snapshot_links (
    snapshot_id     INTEGER NOT NULL,
    cluster_id      VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    linked_cluster  VARCHAR NOT NULL,
    PRIMARY KEY (snapshot_id, cluster_id, kind, linked_cluster)
);
