"""`harvester serve`: one process that owns the store, runs reviews one at a time on their
schedules, and shows what happened on a read-only status page.

    catalog (review files, re-read)  ->  scheduler tick (due?)  ->  queue  ->  worker (one job)
                                                                      ^            |
    status page / JSON API  (reads the store)  -- "run now" ----------+     store (the only writer)

The queue (`queue.py`) and the schedule's memory (`state.py`) sit behind small interfaces, so
a later PostgreSQL deployment with several workers is a new implementation of each, not a
rewrite of the loop.
"""
