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

-- ---------------------------------------------------------------------------------------------------------------
-- The SQL API (DESIGN.md §4): any language, a trigger or psql can start work that .NET workers run, with the same
-- checks as the .NET client.
--
-- definitions  the jobs and workflows the workers know, upserted by every worker at start (WorkerQueries
--              .RegisterDefinitions) with the settings the .NET client would use: queue, priority, attempts,
--              timeout, and the parameter names (the length of `args` is checked against them).

CREATE TABLE currant.definitions (
    name         text        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('job', 'workflow')),
    queue        text        NOT NULL,
    priority     integer     NOT NULL,
    max_attempts integer     NOT NULL,
    timeout_ms   integer,
    parameters   text[]      NOT NULL,
    -- [Job(ConcurrencyKey = "userId", MaxConcurrency = n)]: the 0-based position of that parameter in args, and n.
    -- The claim reads these: at most n running rows of the job with the same value at that position (a per-key limit
    -- across all workers, enforced like a queue's limit, below).
    concurrency_arg integer,
    concurrency_max integer   CHECK (concurrency_max > 0),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A UUIDv7 (RFC 9562) made in SQL: 48 bits of Unix milliseconds, then random bits, with the version (7) and variant
-- set; time-ordered like the ids the .NET client makes, so `ORDER BY id` stays creation order.
CREATE FUNCTION currant.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1), 'hex')::uuid
$$;

-- Enqueues one job or workflow by name and returns its id; with an idempotency key, a repeat returns the first
-- call's id and enqueues nothing. Wakes the queue's workers at commit (NOTIFY), as the .NET client does.
--   SELECT currant.enqueue('SendEmail', '["ana@example.com", "Welcome", "Hi!"]', queue => 'emails', priority => 5);
CREATE FUNCTION currant.enqueue(
    name            text,
    args            jsonb       DEFAULT '[]',
    queue           text        DEFAULT NULL,   -- default: the definition's queue
    priority        integer     DEFAULT NULL,   -- default: the definition's priority; higher runs first
    run_at          timestamptz DEFAULT NULL,   -- default: now
    idempotency_key text        DEFAULT NULL
) RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    d        currant.definitions;
    target   text;
    new_id   uuid;
BEGIN
    SELECT * INTO d FROM currant.definitions WHERE definitions.name = enqueue.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'currant.enqueue: no job or workflow is named %', coalesce(quote_literal(name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Names are the [Job]/[Workflow] names (the class name unless Name = "..." is set); a worker that '
                      || 'knows them registers them when it starts. Known: '
                      || coalesce((SELECT string_agg(x.name, ', ' ORDER BY x.name) FROM currant.definitions x), 'none yet') || '.';
    END IF;

    IF args IS NULL OR jsonb_typeof(args) <> 'array' THEN
        RAISE EXCEPTION 'currant.enqueue: the arguments of % must be a JSON array of % value(s) (%), but were %',
            quote_literal(d.name), cardinality(d.parameters), array_to_string(d.parameters, ', '),
            coalesce('a JSON ' || jsonb_typeof(args), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    IF jsonb_array_length(args) <> cardinality(d.parameters) THEN
        RAISE EXCEPTION 'currant.enqueue: % takes % argument(s) (%), but args has %',
            quote_literal(d.name), cardinality(d.parameters), array_to_string(d.parameters, ', '), jsonb_array_length(args)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The .NET client's limit (CurrantClientOptions.Defaults.MaxPayloadBytes, 1 MiB by default).
    IF octet_length(args::text) > 1048576 THEN
        RAISE EXCEPTION 'currant.enqueue: the arguments of % are % bytes, over the 1048576-byte limit; store large data elsewhere and pass a reference',
            quote_literal(d.name), octet_length(args::text)
            USING ERRCODE = 'program_limit_exceeded';
    END IF;

    target := coalesce(queue, d.queue);
    -- Names.QueueRule.
    IF target !~ '^[A-Za-z0-9_.:-]{1,128}$' THEN
        RAISE EXCEPTION 'currant.enqueue: % is not a valid queue name: queue names are 1 to 128 characters: ASCII letters, digits, ''_'', ''-'', ''.'' and '':''',
            quote_literal(target)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- scheduled_at = now() (= created_at) for work due now keeps it out of executions_due_idx (db/0004).
    INSERT INTO currant.executions AS e (id, kind, name, queue, priority, args, max_attempts, timeout_ms, scheduled_at, idempotency_key)
    VALUES (currant.uuid_v7(), d.kind, d.name, target, coalesce(priority, d.priority), args, d.max_attempts, d.timeout_ms,
            CASE WHEN run_at IS NULL OR run_at <= now() THEN now() ELSE run_at END, idempotency_key)
    ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING e.id INTO new_id;

    IF new_id IS NULL THEN
        SELECT x.id INTO new_id FROM currant.executions x WHERE x.idempotency_key = enqueue.idempotency_key;
        RETURN new_id;
    END IF;

    IF run_at IS NULL OR run_at <= now() THEN
        PERFORM pg_notify('currant_pending', target);
    ELSE
        PERFORM currant.notify_due(target, run_at);
    END IF;

    RETURN new_id;
END
$$;

-- Stores a signal for a workflow and wakes it, as client.SendSignalAsync does (WorkflowQueries.Signal): only while
-- the workflow can still consume it; anything else is an error naming what is wrong. payload may be NULL (JSON null).
--   SELECT currant.send_signal('0190a5c4-...', 'approve', '"ana"');
CREATE FUNCTION currant.send_signal(workflow_id uuid, name text, payload jsonb DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    wf     currant.executions;
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

    SELECT * INTO wf FROM currant.executions e WHERE e.id = send_signal.workflow_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'currant.send_signal: no execution with id %', workflow_id USING ERRCODE = 'no_data_found';
    ELSIF wf.kind <> 'workflow' THEN
        RAISE EXCEPTION 'currant.send_signal: execution % is a %, not a workflow; only workflows take signals', workflow_id, wf.kind
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF wf.state NOT IN ('pending', 'running', 'suspended') THEN
        RAISE EXCEPTION 'currant.send_signal: workflow % has already finished (%); the signal was not stored', workflow_id, wf.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    INSERT INTO currant.signals (workflow_id, name, payload) VALUES (send_signal.workflow_id, send_signal.name, send_signal.payload);
    UPDATE currant.executions e
    SET wake_count = e.wake_count + 1,
        scheduled_at = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN now() ELSE e.scheduled_at END,
        state = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN 'pending' ELSE e.state END
    WHERE e.id = send_signal.workflow_id;
    IF wf.state = 'pending' OR (wf.state = 'suspended' AND wf.error IS NULL) THEN
        PERFORM pg_notify('currant_pending', wf.queue);
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- Retention (Maintenance/Cleaner): finished root executions past their retention are deleted with everything they
-- started, their history and their signals, in small batches. Consumed signals had no index by workflow; this one
-- keeps each batch's delete of them to an index probe per workflow; with id it also gives the dashboard's timeline
-- a workflow's signals in arrival order.
CREATE INDEX signals_workflow_idx ON currant.signals (workflow_id, id);

-- Per-key limits are serialized with one advisory lock (WorkerQueries.ClaimTransaction takes it while any definition
-- has a key): two workers' claims never both count the same key's room. Claims in databases without keyed jobs take
-- no lock. The running rows of a keyed job are counted by name (running rows are few).
CREATE INDEX executions_running_name_idx ON currant.executions (name) WHERE state = 'running';
