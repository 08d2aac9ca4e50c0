-- The first schema: reviews and their runs, raw and normalized records, watermarks,
-- duplicate clusters and immutable snapshots.

CREATE TABLE reviews (
    review_id   VARCHAR PRIMARY KEY,
    title       VARCHAR,
    path        VARCHAR,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE run_id_seq START 1;

CREATE TABLE runs (
    run_id       INTEGER PRIMARY KEY,
    review_id    VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    -- running | ok | partial (some source failed) | failed | interrupted
    status       VARCHAR NOT NULL,
    full_harvest BOOLEAN NOT NULL DEFAULT false,
    pid          INTEGER
);

-- One row per source per run: what was asked, what came back, and how it ended.
CREATE TABLE run_sources (
    run_id        INTEGER NOT NULL,
    source        VARCHAR NOT NULL,
    connector     VARCHAR NOT NULL,
    query_sent    VARCHAR,
    notes         VARCHAR[],
    exact         BOOLEAN,
    window_from   TIMESTAMP,
    window_until  TIMESTAMP,
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP,
    requests      INTEGER NOT NULL DEFAULT 0,
    records       INTEGER NOT NULL DEFAULT 0,
    new_records   INTEGER NOT NULL DEFAULT 0,
    changed       INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    total_hits    BIGINT,
    -- running | ok | failed | throttled | interrupted | capped (stopped at max_records)
    status        VARCHAR NOT NULL,
    error         VARCHAR,
    PRIMARY KEY (run_id, source)
);

-- Every record as the source sent it, so mappers can be re-run without re-harvesting.
CREATE TABLE raw_records (
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    connector    VARCHAR NOT NULL,
    payload      VARCHAR NOT NULL,
    payload_sha  VARCHAR NOT NULL,
    mapped       BOOLEAN NOT NULL,
    error        VARCHAR,
    first_run    INTEGER NOT NULL,
    last_run     INTEGER NOT NULL,
    fetched_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (source, source_id)
);

-- Normalized records plus the keys deduplication matches on.
CREATE TABLE works (
    work_id       VARCHAR PRIMARY KEY,  -- "<source>:<source_id>"
    source        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    doi           VARCHAR,
    title         VARCHAR,
    authors       VARCHAR[],
    year          INTEGER,
    venue         VARCHAR,
    abstract      VARCHAR,
    type          VARCHAR,
    language      VARCHAR,
    url           VARCHAR,
    volume        VARCHAR,
    issue         VARCHAR,
    pages         VARCHAR,
    issn          VARCHAR[],
    keywords      VARCHAR[],
    other_titles  VARCHAR[],
    published     VARCHAR,
    updated       VARCHAR,
    retracted     BOOLEAN NOT NULL DEFAULT false,
    deleted       BOOLEAN NOT NULL DEFAULT false,
    ids           JSON,
    title_key     VARCHAR,
    first_author  VARCHAR,
    first_page    VARCHAR,
    pmid          VARCHAR,
    arxiv         VARCHAR,
    mapped_at     TIMESTAMP NOT NULL
);

-- Which records each review retrieved; `matched` is false when the local filter rejected it.
CREATE TABLE review_records (
    review_id  VARCHAR NOT NULL,
    work_id    VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    matched    BOOLEAN NOT NULL DEFAULT true,
    first_run  INTEGER NOT NULL,
    last_run   INTEGER NOT NULL,
    PRIMARY KEY (review_id, work_id)
);

-- One watermark per (review, source instance, query): records up to it are known.
CREATE TABLE harvest_state (
    review_id   VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    query_hash  VARCHAR NOT NULL,
    watermark   TIMESTAMP NOT NULL,
    run_id      INTEGER NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (review_id, source, query_hash)
);

CREATE SEQUENCE cluster_seq START 1;

CREATE TABLE cluster_members (
    work_id       VARCHAR PRIMARY KEY,
    cluster_id    VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,   -- why it joined: "first", "doi", ...
    matched_with  VARCHAR,            -- the member it was matched to
    run_id        INTEGER,
    added_at      TIMESTAMP NOT NULL
);

CREATE SEQUENCE snapshot_seq START 1;

CREATE TABLE snapshots (
    snapshot_id  INTEGER PRIMARY KEY,
    review_id    VARCHAR NOT NULL,
    run_id       INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    clusters     INTEGER NOT NULL,
    records      INTEGER NOT NULL,
    counts       JSON NOT NULL
);

-- Snapshot members keep the exported record itself, so a snapshot never changes afterwards.
CREATE TABLE snapshot_members (
    snapshot_id        INTEGER NOT NULL,
    cluster_id         VARCHAR NOT NULL,
    canonical_work_id  VARCHAR NOT NULL,
    work_ids           VARCHAR[] NOT NULL,
    sources            VARCHAR[] NOT NULL,
    record             JSON NOT NULL,
    PRIMARY KEY (snapshot_id, cluster_id)
);
