-- Records a connector's mapping raised on (a bug, or a record shape it does not know), apart
-- from the records the source itself marks unusable: both are in `skipped`, these are also
-- counted here so the summary and the search log can say so.
ALTER TABLE run_sources ADD COLUMN mapping_errors INTEGER DEFAULT 0;
