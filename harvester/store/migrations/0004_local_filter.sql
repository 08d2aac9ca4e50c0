-- The local filter: how many records of a source it left out of the review's set, and the
-- plain account of what the source was asked and what was approximated (`query explain`).
ALTER TABLE run_sources ADD COLUMN filtered_out INTEGER DEFAULT 0;
ALTER TABLE run_sources ADD COLUMN explanation VARCHAR;
