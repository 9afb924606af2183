-- 0002: what makes workflows durable without a coordinator.
--
-- A child (activity, child workflow, timer) that finishes writes its outcome into its parent's history and wakes
-- the parent in the same transaction, whoever finished it: a worker's completion batch, a workflow's own final
-- commit, a cancellation or the failover rescue. A trigger is the one place all those paths meet.
--
-- Waking bumps the parent's wake_count under the parent's row lock. A workflow that is busy (running) when its
-- child finishes compares wake_count when it suspends and goes back to pending instead: no lost wake-ups.

CREATE FUNCTION currant.child_finished() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_queue text;
BEGIN
    IF NEW.kind = 'timer' AND NEW.name = 'workflow-timeout' THEN
        IF NEW.state = 'completed' THEN
            PERFORM currant.cancel_tree(NEW.parent_id, 'failed',
                jsonb_build_object('type', 'System.TimeoutException', 'message', 'The workflow exceeded its timeout.', 'nonRetryable', true));
        END IF;
        RETURN NULL;
    END IF;

    UPDATE currant.history
    SET state = CASE
                    WHEN NEW.state = 'completed' AND NEW.kind = 'timer' AND NEW.name = 'signal-timeout' THEN 'failed'
                    WHEN NEW.state = 'completed' THEN 'completed'
                    ELSE 'failed'
                END,
        result = CASE WHEN NEW.kind = 'timer' THEN NULL ELSE NEW.result END,
        error = CASE
                    WHEN NEW.state = 'completed' AND NEW.kind = 'timer' AND NEW.name = 'signal-timeout'
                        THEN jsonb_build_object('type', 'System.TimeoutException', 'message', 'No signal arrived in time.', 'nonRetryable', true)
                    WHEN NEW.state = 'cancelled'
                        THEN COALESCE(NEW.error, jsonb_build_object('type', 'System.OperationCanceledException', 'message', 'Cancelled.', 'nonRetryable', true))
                    WHEN NEW.state = 'failed' THEN NEW.error
                END,
        completed_at = now(),
        completed_order = nextval('currant.history_order')
    WHERE workflow_id = NEW.parent_id AND seq = NEW.parent_seq AND state = 'scheduled';

    IF FOUND THEN
        UPDATE currant.executions
        SET wake_count = wake_count + 1,
            scheduled_at = CASE WHEN state = 'suspended' THEN now() ELSE scheduled_at END,
            state = CASE WHEN state = 'suspended' THEN 'pending' ELSE state END
        WHERE id = NEW.parent_id
        RETURNING queue INTO parent_queue;
        IF parent_queue IS NOT NULL THEN
            PERFORM pg_notify('currant_pending', parent_queue);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- The WHEN clause is evaluated without entering plpgsql, so jobs (no parent) pay nothing for this trigger.
CREATE TRIGGER executions_child_finished
    AFTER UPDATE OF state ON currant.executions
    FOR EACH ROW
    WHEN (NEW.parent_seq IS NOT NULL AND NEW.state IN ('completed', 'failed', 'cancelled') AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION currant.child_finished();

-- Ends an execution and everything it started: pending and suspended descendants end at once, running ones are
-- asked to stop (their worker hears currant_cancel or sees cancel_requested on its next heartbeat). Returns how
-- many executions it touched.
CREATE FUNCTION currant.cancel_tree(root uuid, final_state text, reason jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    touched integer;
BEGIN
    WITH RECURSIVE tree AS (
        SELECT id, 0 AS depth FROM currant.executions WHERE id = root
        UNION ALL
        SELECT e.id, t.depth + 1 FROM currant.executions e JOIN tree t ON e.parent_id = t.id
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
        RETURNING e.id, e.state
    ), notified AS (
        SELECT pg_notify(CASE WHEN u.state IN ('completed', 'failed', 'cancelled') THEN 'currant_finished' ELSE 'currant_cancel' END, u.id::text)
        FROM updated u
    )
    SELECT count(*) INTO touched FROM notified;
    RETURN touched;
END $$;

-- Workflows parked by a nondeterminism error are found by this (and resumed when a worker starts).
CREATE INDEX executions_parked_idx ON currant.executions (queue) WHERE state = 'suspended' AND error IS NOT NULL;
