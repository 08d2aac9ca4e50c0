-- `harvester serve`: the schedule's memory, so a restart knows what it missed.
-- One row per review the service has run: when it is next due, how its last job ended (also
-- when it ended before a run existed, e.g. a broken review file), and the retries spent on the
-- current slot. Runs themselves stay in `runs`; this only says what the scheduler decided.
CREATE TABLE schedule_state (
    review_id     VARCHAR PRIMARY KEY,
    cron          VARCHAR NOT NULL,    -- the schedule as a cron line when next_due was computed
    next_due      TIMESTAMP NOT NULL,  -- UTC
    attempt       INTEGER NOT NULL DEFAULT 0,  -- failed tries of the current slot
    last_job_at   TIMESTAMP,
    last_outcome  VARCHAR,             -- ok | partial | failed | interrupted | error
    last_run_id   INTEGER,
    last_error    VARCHAR,             -- masked: never a key or password
    updated_at    TIMESTAMP NOT NULL
);
