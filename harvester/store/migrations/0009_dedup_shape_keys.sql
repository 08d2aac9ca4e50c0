-- Deduplication keys for the field shapes of real exports: the supplement a record is in
-- ("3" for "Suppl 3", "" for one without a number), the meeting an abstract was given at
-- (Ovid's "Journal. Conference: 22nd Congress ..."), its words and its numbers, the family
-- names without particles ("Berg" for "Van der Berg") and the first page of a range as a
-- number (ranges that overlap are one article's). Keys stored
-- before this were made by older rules (KEYS_VERSION 1): the next update keys their works
-- again and matches them again.
ALTER TABLE dedup_keys ADD COLUMN authors_bare VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN page_from INTEGER;
ALTER TABLE dedup_keys ADD COLUMN supplement VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN meeting VARCHAR;
ALTER TABLE dedup_keys ADD COLUMN meeting_numbers VARCHAR;
