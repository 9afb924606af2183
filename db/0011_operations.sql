-- 0011: running Currant for months (issue 13, without schedules): queue controls and concurrency limits enforced by
-- the claim, and indexes for them.
--
-- queues       one row per queue an operator has touched: paused (workers stop claiming from it) and a concurrency
--              limit that holds across every worker. A queue without a row is unpaused and unlimited, so the hot
--              claim path of an untouched queue reads nothing but this tiny table's primary key.
--
-- A limit is enforced by the claim itself, not by a lock table: the claim's batch first takes a transaction-scoped
-- advisory lock per limited queue (WorkerQueries.ClaimTransaction), then the claim statement, which starts after the
-- locks are granted and so sees every claim committed before it, counts the queue's running rows and takes at most
-- the room left. Claims of unlimited queues take no lock and never wait.

CREATE TABLE currant.queues (
    name            text        PRIMARY KEY,
    paused          boolean     NOT NULL DEFAULT false,
    max_concurrency integer     CHECK (max_concurrency > 0),  -- null: unlimited
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The running rows of a queue, counted by the claim of a limited queue. Running rows are few (at most every worker's
-- slots), so the index stays small however large the table grows.
CREATE INDEX executions_running_queue_idx ON currant.executions (queue) WHERE state = 'running';
