-- 0007: interactive workflows (DESIGN.md §2.1): updates that return a result to their caller, and queries answered
-- by a live worker without touching the history.
--
-- Updates. A caller inserts a 'requested' row (its own update id: calling again with the same id finds the same row,
-- so a caller that reconnects reads the same result) and wakes the workflow like a signal does (wake_count). The
-- activation that takes it runs the validator first: a rejected update becomes 'rejected' with the validator's error
-- and writes nothing into the history; an accepted one records an 'update' history row at the sequence number it
-- ran at, and moves to 'completed' or 'failed' with the handler's outcome in the commit of the activation in which
-- the handler finished (replay runs the handler again from the history row; the row only moves forward, so a
-- replayed completion writes nothing). Each move to a final state sends currant_finished with the row's key.
CREATE TABLE currant.updates (
    workflow_id  uuid        NOT NULL,
    update_id    text        NOT NULL,
    key          uuid        NOT NULL UNIQUE,               -- what currant_finished names when the update ends
    arrival      bigint      GENERATED ALWAYS AS IDENTITY,  -- delivery order
    name         text        NOT NULL,
    args         jsonb,
    state        text        NOT NULL DEFAULT 'requested',  -- requested → accepted → completed | failed; requested → rejected
    seq          integer,                                   -- the history step an accepted update ran at
    result       jsonb,
    error        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    PRIMARY KEY (workflow_id, update_id)
);

-- What an activation loads: the updates still to be validated, in arrival order.
CREATE INDEX updates_requested_idx ON currant.updates (workflow_id, arrival) WHERE state = 'requested';

-- Queries. Not durable (UNLOGGED: a crash loses only questions whose callers time out anyway). A caller inserts a
-- row and sends currant_query; a worker serving the queue takes it (worker_id, first come) and writes the answer,
-- then sends currant_finished with the query id; the caller reads and deletes the row.
CREATE UNLOGGED TABLE currant.queries (
    id           uuid        PRIMARY KEY,
    workflow_id  uuid        NOT NULL,
    queue        text        NOT NULL,
    name         text        NOT NULL,
    args         jsonb,
    worker_id    uuid,
    answered_at  timestamptz,
    result       jsonb,
    error        jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Wakes a workflow a message (signal, update) was just stored for, as currant.signals' writer always did: bump
-- wake_count (a running activation then goes back to pending when it suspends), make a suspended workflow pending
-- (not a parked one: error set) and announce its queue. Call it under the workflow's row lock or after the insert.
CREATE FUNCTION currant.wake_for_message(workflow uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    woken_queue text;
    woken_state text;
BEGIN
    UPDATE currant.executions e
    SET wake_count = e.wake_count + 1,
        scheduled_at = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN now() ELSE e.scheduled_at END,
        state = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN 'pending' ELSE e.state END
    WHERE e.id = workflow
    RETURNING e.queue, e.state INTO woken_queue, woken_state;
    IF woken_state = 'pending' THEN
        PERFORM pg_notify('currant_pending', woken_queue);
    END IF;
END $$;
