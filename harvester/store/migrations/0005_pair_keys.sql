-- Deduplication keys computed once per record instead of once per candidate pair: pages
-- without their letter prefix ("S197" and "197") and whether the first page is an article
-- number ("e12724"). Filled here from the stored keys, exactly as new records are keyed.
-- And the Embase accession number of an Ovid link (works from the sources harvester queries
-- have none: the column starts empty).
ALTER TABLE dedup_keys ADD COLUMN page_first_bare VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN page_last_bare VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN article_number BOOLEAN;
ALTER TABLE dedup_keys ADD COLUMN embase VARCHAR;
UPDATE dedup_keys SET
    page_first_bare = ltrim(page_first, 'abcdefghijklmnopqrstuvwxyz'),
    page_last_bare = ltrim(page_last, 'abcdefghijklmnopqrstuvwxyz'),
    article_number = regexp_full_match(page_first, '[a-z][0-9]{4,}');
