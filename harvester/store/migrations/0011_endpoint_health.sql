-- Health of each OAI-PMH endpoint across runs (harvester/health.py): failures in a row, so a
-- dead endpoint is asked less often, and where a server said the endpoint moved (301).
CREATE TABLE endpoint_health (
    endpoint          VARCHAR PRIMARY KEY,   -- the base URL a review names
    failures_in_a_row INTEGER NOT NULL DEFAULT 0,
    failing_since     TIMESTAMP,             -- the first failure of the current streak
    last_failure      TIMESTAMP,
    last_success      TIMESTAMP,
    last_error        VARCHAR,
    moved_to          VARCHAR,               -- a permanent redirect's target, last seen
    updated_at        TIMESTAMP NOT NULL
);
