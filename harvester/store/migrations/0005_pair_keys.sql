-- Deduplication keys computed once per record instead of once per candidate pair: pages
-- without their letter prefix ("S197" and "197"), whether the first page is an article
-- number ("e12724") and how long a page range is; the Embase accession number of an Ovid
-- link; and the version of the rules that computed a record's keys. Keys stored before this
-- have version 0: the next update keys their works again and matches them again
-- (harvester.dedup.keys.KEYS_VERSION).
ALTER TABLE dedup_keys ADD COLUMN page_first_bare VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN page_last_bare VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN article_number BOOLEAN;
ALTER TABLE dedup_keys ADD COLUMN page_count INTEGER;
ALTER TABLE dedup_keys ADD COLUMN embase VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN keys_version INTEGER NOT NULL DEFAULT 0;
