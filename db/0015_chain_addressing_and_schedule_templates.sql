-- 0015: signals and updates addressed to any run of a continue-as-new chain reach its last run (issue 12), as a
-- Temporal signal or update addressed by workflow id reaches the current run.
--
-- currant.send_signal (db/0011) stored the signal on the run it was given; a signal sent to the first run's id after
-- that run continued as new was refused as "already finished". It now resolves the chain first (currant.latest_run),
-- as the .NET client's signal (ExecutionQueries.Signal) does; errors name the id the caller gave and, when it is not
-- the same, the run they are about.
--
-- Updates: an update that arrives while the run that continues as new is committing stays 'requested' on the old run,
-- which will never take it. currant.continue_as_new now moves such updates to the new run with the unconsumed
-- signals (the new run's first activation validates them). Updates the old run accepted stay with it: their handler
-- ran there.
--
-- currant.run_chain lists the runs from `run` to the last one, in order (each hop a primary-key probe): a caller that
-- addressed the first run finds its update on whichever run took it.

CREATE FUNCTION currant.run_chain(run uuid) RETURNS TABLE (id uuid, depth integer) LANGUAGE sql STABLE AS $$
    WITH RECURSIVE chain AS (
        SELECT e.id, e.continued_to, 0 AS depth FROM currant.executions e WHERE e.id = run
        UNION ALL
        SELECT e.id, e.continued_to, c.depth + 1 FROM currant.executions e JOIN chain c ON e.id = c.continued_to
        WHERE c.depth < 1000000
    )
    SELECT chain.id, chain.depth FROM chain
$$;

CREATE OR REPLACE FUNCTION currant.send_signal(workflow_id uuid, name text, payload jsonb DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    wf     currant.executions;
    target uuid;
    run    text;
BEGIN
    IF name IS NULL OR length(name) NOT BETWEEN 1 AND 256 OR name <> btrim(name) OR name ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'currant.send_signal: % is not a valid signal name: signal names are 1 to 256 characters, without control characters or white space at either end',
            coalesce(quote_literal(name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF payload IS NOT NULL AND octet_length(payload::text) > 1048576 THEN
        RAISE EXCEPTION 'currant.send_signal: the % signal payload is % bytes, over the 1048576-byte limit', quote_literal(name), octet_length(payload::text)
            USING ERRCODE = 'program_limit_exceeded';
    END IF;

    -- The run the chain ends at, locked. A run that continued as new while we waited for its lock names its
    -- successor: follow it (each statement reads a fresh snapshot).
    LOOP
        target := coalesce(currant.latest_run(send_signal.workflow_id), send_signal.workflow_id);
        SELECT * INTO wf FROM currant.executions e WHERE e.id = target FOR UPDATE;
        EXIT WHEN NOT FOUND OR wf.continued_to IS NULL;
    END LOOP;
    run := CASE WHEN target = send_signal.workflow_id THEN '' ELSE format(', its last run being %s', target) END;
    IF wf.id IS NULL THEN
        RAISE EXCEPTION 'currant.send_signal: no execution with id %', workflow_id USING ERRCODE = 'no_data_found';
    ELSIF wf.kind <> 'workflow' THEN
        RAISE EXCEPTION 'currant.send_signal: execution % is a %, not a workflow; only workflows take signals', workflow_id, wf.kind
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF wf.state NOT IN ('pending', 'running', 'suspended') THEN
        RAISE EXCEPTION 'currant.send_signal: workflow % has already finished (%)%; the signal was not stored', workflow_id, wf.state, run
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    INSERT INTO currant.signals (workflow_id, name, payload) VALUES (target, send_signal.name, send_signal.payload);
    UPDATE currant.executions e
    SET wake_count = e.wake_count + 1,
        scheduled_at = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN now() ELSE e.scheduled_at END,
        state = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN 'pending' ELSE e.state END
    WHERE e.id = target;
    IF wf.state = 'pending' OR (wf.state = 'suspended' AND wf.error IS NULL) THEN
        PERFORM pg_notify('currant_pending', wf.queue);
    END IF;
END
$$;

-- As in 0008, plus: updates still 'requested' move to the new run with the unconsumed signals.
CREATE OR REPLACE FUNCTION currant.continue_as_new(run uuid, next uuid, next_args jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    old currant.executions%ROWTYPE;
    carried integer;
    moved integer;
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
    UPDATE currant.updates SET workflow_id = next WHERE workflow_id = run AND state = 'requested';
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF carried + moved > 0 THEN
        -- As a signal sent before a first activation does: the new run's first commit finds itself woken.
        UPDATE currant.executions SET wake_count = 1 WHERE id = next;
    END IF;
    PERFORM pg_notify('currant_pending', old.queue);
END $$;

-- Schedules enqueue through the same insert as every other enqueue (ExecutionQueries.InsertWithKey, issue 13): the row
-- holds the rest of what that insert sets, as resolved when the schedule was created or updated (the definition's
-- [Job]/[Activity] RetryPolicy and HeartbeatTimeout, overridden by Options(...)), so a run fired by a worker without
-- the definition's code still retries and times out as the definition says. Nullable columns: no rewrite.
ALTER TABLE currant.schedules
    ADD COLUMN retry_policy         jsonb,     -- StoredRetryPolicy; null: the worker's defaults
    ADD COLUMN heartbeat_timeout_ms integer,   -- null: none
    ADD COLUMN tags                 jsonb;     -- each run's tags; null: none
