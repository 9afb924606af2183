-- 0001: the first Currant schema. Everything lives in the `currant` schema so it can share the application's
-- database (that is what makes enqueueing inside the application's own transaction possible).
--
-- executions  one row per job, activity, workflow and timer; the queue is this table (no separate queue table,
--             so claiming and finishing are single-row updates).
-- history     the append-only event log a workflow replays from (one insert per step, never a rewritten document;
--             the one later update records a child's outcome on its own row).
-- signals     signals stored on arrival, consumed once each, in order.
-- workers     one heartbeat row per live worker; a worker silent for too long loses its running executions.

CREATE TABLE currant.executions (
    id               uuid        PRIMARY KEY,              -- UUIDv7, made by the client: time-ordered, no sequence
    kind             text        NOT NULL CHECK (kind IN ('job', 'activity', 'workflow', 'timer')),
    name             text        NOT NULL,
    queue            text        NOT NULL,
    priority         integer     NOT NULL DEFAULT 0,       -- higher runs first
    state            text        NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'running', 'suspended', 'completed', 'failed', 'cancelled')),
    args             jsonb       NOT NULL DEFAULT '[]',
    result           jsonb,
    error            jsonb,                                -- {type, message, stackTrace, nonRetryable}
    attempt          integer     NOT NULL DEFAULT 0,       -- incremented by each claim; part of the write fence
    max_attempts     integer     NOT NULL DEFAULT 1,
    timeout_ms       integer,                              -- per attempt (jobs, activities) or whole run (workflows)
    scheduled_at     timestamptz NOT NULL DEFAULT now(),   -- delayed start, retry backoff and timers
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    completed_at     timestamptz,
    worker_id        uuid,                                 -- owner while running; part of the write fence
    parent_id        uuid,                                 -- the workflow that created this execution
    parent_seq       integer,                              -- the step of the parent that created it
    idempotency_key  text,
    cancel_requested boolean     NOT NULL DEFAULT false,
    wake_count       integer     NOT NULL DEFAULT 0,       -- workflows: bumped by every child result and signal
    trace_context    text                                  -- W3C traceparent of the enqueuing span
);

-- Claim: the pending rows of a queue in priority order. Partial, so finished rows never bloat it.
CREATE INDEX executions_claim_idx ON currant.executions (queue, priority DESC, scheduled_at) WHERE state = 'pending';

-- Failover and fencing: the running rows of a worker.
CREATE INDEX executions_running_idx ON currant.executions (worker_id) WHERE state = 'running';

-- Exactly-once enqueue.
CREATE UNIQUE INDEX executions_idempotency_key_idx ON currant.executions (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Children of a workflow (cancellation spreads through it; history joins it).
CREATE INDEX executions_parent_idx ON currant.executions (parent_id, parent_seq) WHERE parent_id IS NOT NULL;

-- Retention: finished rows by age.
CREATE INDEX executions_finished_idx ON currant.executions (completed_at) WHERE state IN ('completed', 'failed', 'cancelled');

CREATE TABLE currant.history (
    workflow_id  uuid        NOT NULL,
    seq          integer     NOT NULL,                     -- the step number; replay walks it in order
    kind         text        NOT NULL,                     -- activity, workflow, timer, signal, version, step, job, now, guid, random
    name         text        NOT NULL,
    state        text        NOT NULL DEFAULT 'scheduled', -- scheduled, completed, failed
    child_id     uuid,
    result       jsonb,
    error        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    completed_order bigint,                                -- when an outcome arrived after the call; replay delivers in this order
    PRIMARY KEY (workflow_id, seq)
);

CREATE SEQUENCE currant.history_order;

CREATE TABLE currant.signals (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- arrival order
    workflow_id  uuid        NOT NULL,
    name         text        NOT NULL,
    payload      jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    consumed_seq integer                                    -- the history step that consumed it; null = buffered
);

CREATE INDEX signals_buffered_idx ON currant.signals (workflow_id, name, id) WHERE consumed_seq IS NULL;

CREATE TABLE currant.workers (
    id           uuid        PRIMARY KEY,
    hostname     text        NOT NULL,
    pid          integer     NOT NULL,
    queues       text[]      NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
