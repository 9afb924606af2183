-- 0010: schedules (DESIGN.md §2.2). A schedule enqueues a job or workflow at each fire time of a cron expression.
--
-- Exactly once without a leader: every worker serving a schedule's queue looks for due schedules with
-- FOR UPDATE SKIP LOCKED, and in the same transaction advances next_run_at past the fire times it handled and
-- inserts one execution per fire time it enqueues, keyed `schedule:<name>:<fire time>` (executions_idempotency_key_idx).
-- A worker that dies mid-pass rolls its transaction back (the lock goes with its connection); one that arrives after
-- a commit re-reads next_run_at under the lock and finds nothing due. The key is a second guard: a fire time is
-- enqueued at most once even across a delete and re-create of the same schedule name.
--
-- The row holds the whole enqueue (kind, name, queue, priority, arguments, attempts, timeout), so a worker fires a
-- schedule without the definition's code: a schedule whose class a deploy removed still enqueues, and the execution
-- fails with the usual unknown-name error where it can be seen.

CREATE TABLE currant.schedules (
    name               text        PRIMARY KEY,
    target             text        NOT NULL,                -- the execution name to enqueue
    kind               text        NOT NULL CHECK (kind IN ('job', 'workflow')),
    queue              text        NOT NULL,
    priority           integer     NOT NULL DEFAULT 0,
    args               jsonb       NOT NULL DEFAULT '[]',
    max_attempts       integer     NOT NULL DEFAULT 1,
    timeout_ms         integer,
    cron               text        NOT NULL,                -- five fields, or six with seconds first (Cronos)
    time_zone          text        NOT NULL DEFAULT 'UTC',  -- IANA id the cron expression is read in
    overlap            text        NOT NULL DEFAULT 'skip' CHECK (overlap IN ('skip', 'buffer_one', 'allow')),
    catch_up           text        NOT NULL DEFAULT 'latest' CHECK (catch_up IN ('latest', 'all')),
    catch_up_window_ms bigint      CHECK (catch_up_window_ms > 0), -- fire times missed by longer are dropped; null: no limit
    source             text        NOT NULL CHECK (source IN ('attribute', 'api')),
    paused             boolean     NOT NULL DEFAULT false,
    next_run_at        timestamptz,                         -- the next fire time; null when the expression has no more
    last_run_at        timestamptz,                         -- the newest fire time that enqueued a run
    last_execution_id  uuid,                                -- the run the overlap policy looks at
    buffered_at        timestamptz,                         -- BufferOne: a fire time held until last_execution_id ends
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- The scheduler's look-up: the due schedules of a worker's queues and the next due time, one probe per queue.
CREATE INDEX schedules_due_idx ON currant.schedules (queue, next_run_at) WHERE NOT paused;

-- Buffered fire times wait for a run to end, not for a time: found apart from the due ones.
CREATE INDEX schedules_buffered_idx ON currant.schedules (queue) WHERE buffered_at IS NOT NULL AND NOT paused;
