-- 0004: timers on time. A worker wakes itself at the next due time it knows of instead of at its next poll, so a
-- delayed job, a retry after its backoff and a workflow timer start within milliseconds of their due time.
--
-- Two sources tell a worker of due times (DESIGN.md §3):
-- * executions_due_idx, read by the claim (ExecutionQueries.NextDue): the earliest future scheduled_at of the
--   worker's queues, one index probe per queue. It holds only pending rows that were not due when written: delayed
--   enqueues, retry backoff, timers, and workflows woken after they were created. A row enqueued due now has
--   scheduled_at = created_at (both now() of the inserting transaction; bulk COPY leaves scheduled_at to its default
--   for such rows), so the hot enqueue path never enters it. Every pending row that is not yet due is in it: its
--   scheduled_at is after now(), and now() is never before the created_at its insert wrote.
-- * currant_due notifications, sent by whoever writes a row that is not yet due (currant.notify_due below).

CREATE INDEX executions_due_idx ON currant.executions (queue, scheduled_at) WHERE state = 'pending' AND scheduled_at > created_at;

-- Tells listening workers that work in `queue` becomes due at `due`. The payload is '<queue> <milliseconds>', the
-- delay counted from the moment this runs (clock_timestamp(), rounded up, never negative): relative to the
-- database's own clock, so the clocks of the workers do not matter, and a worker that arms its alarm when the
-- notification arrives (after the commit) is never early. Queue names hold no spaces (Names.QueueRule).
CREATE FUNCTION currant.notify_due(queue text, due timestamptz) RETURNS void LANGUAGE sql VOLATILE AS $$
    SELECT pg_notify('currant_due', queue || ' ' || GREATEST(0, ceil(extract(epoch FROM due - clock_timestamp()) * 1000))::bigint)
$$;
