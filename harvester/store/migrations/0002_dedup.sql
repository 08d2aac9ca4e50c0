-- Deduplication: matching keys stored once per work, every accepted (or linked) pair with its
-- reason, and the clusters absorbed when a new record bridged two of them.

CREATE TABLE dedup_keys (
    work_id        VARCHAR PRIMARY KEY,
    doi            VARCHAR,
    doi_alias      VARCHAR,
    pmid           VARCHAR,
    pmcid          VARCHAR,
    arxiv          VARCHAR,
    title          VARCHAR,
    title_alt      VARCHAR,
    title_numbers  VARCHAR,
    authors        VARCHAR,
    authors_given  VARCHAR,
    first_author   VARCHAR,
    year           INTEGER,
    venue          VARCHAR,
    venue_acronym  VARCHAR,
    venue_word     VARCHAR,
    venue_short    VARCHAR,
    volume         VARCHAR,
    issue          VARCHAR,
    page_first     VARCHAR,
    page_last      VARCHAR,
    kind           VARCHAR,
    part           VARCHAR,
    generic        BOOLEAN,
    category       VARCHAR,
    abstract       VARCHAR,
    keyed_at       TIMESTAMP NOT NULL
);

-- Why two works were judged copies of one article (linked: versions kept apart, such as a
-- preprint and its journal article). work_a < work_b.
CREATE TABLE match_pairs (
    work_a      VARCHAR NOT NULL,
    work_b      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    score       DOUBLE,
    linked      BOOLEAN NOT NULL DEFAULT false,
    run_id      INTEGER,
    matched_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (work_a, work_b)
);

-- A cluster absorbed into another (the smaller id keeps its id), so snapshot diffs and
-- screening decisions made on the absorbed id can follow it.
CREATE TABLE cluster_merges (
    merged_id  VARCHAR PRIMARY KEY,
    into_id    VARCHAR NOT NULL,
    run_id     INTEGER,
    reason     VARCHAR NOT NULL,
    merged_at  TIMESTAMP NOT NULL
);
