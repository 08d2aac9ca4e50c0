-- Which local filter gave a review link its `matched` verdict (harvester.query.local_filter
-- filter_key; NULL: no filter, or a verdict from before this column). A record received again
-- unchanged keeps its verdict without being mapped again only while the same filter judges it.
ALTER TABLE review_records ADD COLUMN judged_by VARCHAR;
