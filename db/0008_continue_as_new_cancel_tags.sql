-- 0008: long-lived workflows (issue 12): continue-as-new, cancellation that workflow code sees, and tags.
--
-- Continue-as-new. A run that ends with `throw X.ContinueAsNew(args…)` commits as 'completed' with no result and
-- `continued_to` naming the next run, which it inserts in the same transaction (currant.continue_as_new): a fresh
-- row (empty history, activations 0) whose `continued_from` names it. The business id moves to the new run: its
-- idempotency key, its tags, and its place in a parent's history (parent_id, parent_seq: the parent waits for the
-- chain's final result, so the old row's trigger must not fire). Signals the old run had not consumed move with it
-- (Temporal's rule). A caller holding the first run's id follows `continued_to` (by primary key) to the last run;
-- signals and cancellation sent to any run of the chain reach its last run (currant.latest_run).
--
-- Cancellation workflow code sees. A workflow whose code read Workflow.CancellationToken is marked
-- `handles_cancel`. Cancelling it (currant.cancel_tree with 'cancelled') does not end it: it records a 'cancel' row in
-- its history (seq CancelSeq below, outside the range of steps and versions) with an arrival order, like an outcome,
-- and wakes it; replay delivers it at the same point, so the token fires where it fired the first time. The
-- workflow runs its clean-up and ends 'cancelled' (or as it chooses). Cancelling it again, a parked workflow, a
-- timeout and every other execution end at once as before.
--
-- Tags: a flat jsonb object of string values, filtered with `tags @> @filter` on a GIN index (jsonb_path_ops: only
-- containment, a third of the size of the default opclass). Partial, so untagged rows never enter it.
--
-- Adding nullable columns and a constant default rewrites no rows.

ALTER TABLE currant.executions
    ADD COLUMN tags           jsonb,                            -- {"key": "value", …}; null when none
    ADD COLUMN continued_from uuid,                             -- the run this one continues (continue-as-new)
    ADD COLUMN continued_to   uuid,                             -- the run that continues this one
    ADD COLUMN handles_cancel boolean NOT NULL DEFAULT false;   -- workflows: the code read Workflow.CancellationToken

CREATE INDEX executions_tags_idx ON currant.executions USING gin (tags jsonb_path_ops) WHERE tags IS NOT NULL;

-- The last run of the chain `run` belongs to (itself when it was not continued); null when `run` does not exist.
-- Each hop is a primary-key probe.
CREATE FUNCTION currant.latest_run(run uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain AS (
        SELECT id, continued_to, 0 AS depth FROM currant.executions WHERE id = run
        UNION ALL
        SELECT e.id, e.continued_to, c.depth + 1 FROM currant.executions e JOIN chain c ON e.id = c.continued_to
        WHERE c.depth < 1000000
    )
    SELECT id FROM chain ORDER BY depth DESC LIMIT 1
$$;

-- Ends run `run` by continuing it as `next` with `next_args`. Called inside the activation's commit, after the
-- fence locked `run`; the activation's Finish then marks `run` completed (its parent_seq cleared here, so the
-- child_finished trigger leaves the parent waiting for the new run).
CREATE FUNCTION currant.continue_as_new(run uuid, next uuid, next_args jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    old currant.executions%ROWTYPE;
    carried integer;
BEGIN
    SELECT * INTO old FROM currant.executions WHERE id = run FOR UPDATE;
    -- The key is unique: take it off the old run before the new one holds it.
    UPDATE currant.executions SET continued_to = next, idempotency_key = NULL, parent_id = NULL, parent_seq = NULL
    WHERE id = run;
    INSERT INTO currant.executions
        (id, kind, name, queue, priority, args, max_attempts, timeout_ms, idempotency_key, parent_id, parent_seq,
         trace_context, tags, continued_from)
    VALUES (next, 'workflow', old.name, old.queue, old.priority, next_args, old.max_attempts, old.timeout_ms,
            old.idempotency_key, old.parent_id, old.parent_seq, old.trace_context, old.tags, run);
    UPDATE currant.signals SET workflow_id = next WHERE workflow_id = run AND consumed_seq IS NULL;
    GET DIAGNOSTICS carried = ROW_COUNT;
    IF carried > 0 THEN
        -- As a signal sent before a first activation does: the new run's first commit finds itself woken.
        UPDATE currant.executions SET wake_count = 1 WHERE id = next;
    END IF;
    PERFORM pg_notify('currant_pending', old.queue);
END $$;

-- As in 0006, plus the cooperative path: a live workflow that handles cancellation is told (a 'cancel' history row,
-- seq -2000000000, and a wake-up) instead of ended, the first time only.
CREATE OR REPLACE FUNCTION currant.cancel_tree(root uuid, final_state text, reason jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    touched integer;
    root_queue text;
BEGIN
    IF final_state = 'cancelled' THEN
        INSERT INTO currant.history (workflow_id, seq, kind, name, state, error, completed_at, completed_order)
        SELECT e.id, -2000000000, 'cancel', 'cancel', 'completed', reason, now(), nextval('currant.history_order')
        FROM currant.executions e
        WHERE e.id = root AND e.kind = 'workflow' AND e.handles_cancel AND e.error IS NULL
          AND e.state IN ('pending', 'running', 'suspended')
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            UPDATE currant.executions
            SET wake_count = wake_count + 1,
                scheduled_at = CASE WHEN state = 'suspended' THEN now() ELSE scheduled_at END,
                state = CASE WHEN state = 'suspended' THEN 'pending' ELSE state END
            WHERE id = root
            RETURNING queue INTO root_queue;
            PERFORM pg_notify('currant_pending', root_queue);
            RETURN 1;
        END IF;
    END IF;

    WITH RECURSIVE tree AS (
        SELECT id, state AS was, 0 AS depth FROM currant.executions WHERE id = root
        UNION ALL
        SELECT e.id, e.state, t.depth + 1 FROM currant.executions e JOIN tree t ON e.parent_id = t.id
        WHERE e.state IN ('pending', 'running', 'suspended') AND t.depth < 100
    ), updated AS (
        UPDATE currant.executions e
        SET cancel_requested = true,
            state = CASE WHEN e.state IN ('pending', 'suspended') OR (e.id = root AND e.kind = 'workflow')
                         THEN CASE WHEN e.id = root THEN final_state ELSE 'cancelled' END
                         ELSE e.state END,
            error = CASE WHEN e.id = root THEN reason ELSE e.error END,
            completed_at = CASE WHEN e.state IN ('pending', 'suspended') OR (e.id = root AND e.kind = 'workflow') THEN now() ELSE e.completed_at END,
            worker_id = CASE WHEN e.id = root AND e.kind = 'workflow' THEN NULL ELSE e.worker_id END
        FROM tree
        WHERE e.id = tree.id AND e.state IN ('pending', 'running', 'suspended')
        RETURNING e.id, e.state, tree.was
    ), notified AS (
        SELECT 1 AS counted, pg_notify(CASE WHEN u.state IN ('completed', 'failed', 'cancelled') THEN 'currant_finished' ELSE 'currant_cancel' END, u.id::text)
        FROM updated u
        UNION ALL
        SELECT 0, pg_notify('currant_cancel', u.id::text) FROM updated u WHERE u.was = 'running' AND u.state IN ('completed', 'failed', 'cancelled')
    )
    SELECT COALESCE(sum(counted), 0) INTO touched FROM notified;
    RETURN touched;
END $$;
