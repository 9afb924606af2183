-- 0006: activities may run inside their workflow's activation.
--
-- A worker that holds a workflow and serves its activity's queue runs the activity's first attempt inside the
-- activation, in the workflow's slot, like an inline step: nothing is written before it runs, and its row is
-- inserted once, finished (or pending for a retry), with the workflow's next checkpoint or commit. Meanwhile the
-- workflow row is `running` under that worker, so cancelling or timing out the workflow is what must reach the
-- activity: cancel_tree now also announces a running root workflow on currant_cancel (its worker cancels what runs
-- inside the activation), besides currant_finished for the waiting callers.

CREATE OR REPLACE FUNCTION currant.cancel_tree(root uuid, final_state text, reason jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    touched integer;
BEGIN
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
