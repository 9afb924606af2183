-- 0017: hand-off. An idle worker advertises one free slot here; a single enqueue of a job or workflow that is due
-- now takes it in the same statement as its insert: the row is written already running under that worker, and the
-- NOTIFY that would have said "something is pending" carries the row itself to it (currant_handoff). The worker
-- starts it without a claim round trip (ExecutionQueries.InsertHandOff, Producer).
--
-- One row per worker while it runs; it goes with the worker's row (a clean stop deletes it, the rescuer deletes a
-- dead worker's). `ready` is taken by at most one enqueue (row lock, SKIP LOCKED) and set again by the worker once
-- it has started what it was handed: a worker is handed at most one row it has not seen yet. An enqueue hands off
-- only to a worker whose heartbeat is younger than `fresh_for` (two of its heartbeat intervals and a second), so a
-- worker that dies idle can be handed a row only within that time; the rescuer gives such a row back without
-- counting its attempt (WorkerQueries.Rescue: inserted running and never claimed since, it may never have started).
-- No index: a few rows, read by a sequential scan, updated HOT.

CREATE TABLE currant.worker_slots (
    worker_id uuid PRIMARY KEY REFERENCES currant.workers (id) ON DELETE CASCADE,
    queues text[] NOT NULL,
    ready boolean NOT NULL DEFAULT false,
    fresh_for interval NOT NULL
);
