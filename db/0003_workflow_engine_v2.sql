-- 0003: workflow engine v2. Nothing had shipped, so the history format changes without a conversion:
--
-- * Workflow.UtcNow no longer records a 'now' row with a sequence number. Workflow time is the time the workflow
--   first ran (a 'start' row at seq 0, kind 'start', its time in completed_at), then the completed_at of each outcome
--   as it is delivered (activities, timers, signal waits: the signal's arrival) and of each inline step. A history
--   written by v0.1 code that read Workflow.UtcNow has 'now' rows the new code never asks for: such a workflow is
--   parked with a nondeterminism error naming the step. Finish or cancel in-flight v0.1 workflows before upgrading.
-- * Inline steps are committed as they finish (checkpoints, before the next step body starts), not with the
--   activation: a step row may now be followed by a commit in which the workflow is still running.
-- * Fused steps: a worker that holds a workflow in memory commits an activity's outcome together with the
--   workflow's next activation. It records the outcome in history itself, before completing the activity, so the
--   trigger below finds the row no longer 'scheduled' and wakes nobody. The trigger now locks the parent row before
--   it takes an arrival order, so an outcome completed elsewhere at the same moment is ordered after the fused one,
--   as the workflow saw them.

CREATE OR REPLACE FUNCTION currant.child_finished() RETURNS trigger LANGUAGE plpgsql AS $$
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

    -- The parent's row first: an outcome gets its arrival order only once no fused step of the parent is in flight,
    -- so arrival order is the order the workflow saw its outcomes in.
    PERFORM 1 FROM currant.executions WHERE id = NEW.parent_id FOR UPDATE;

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
