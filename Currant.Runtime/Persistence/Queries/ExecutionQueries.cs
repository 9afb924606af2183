using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>The SQL for the executions table. Each query names the index it relies on.</summary>
internal static class ExecutionQueries
{
    internal const string Columns = """
        id, kind, name, queue, priority, state, args::text, result::text, error::text, attempt, max_attempts,
        scheduled_at, created_at, started_at, completed_at, worker_id, parent_id, idempotency_key, cancel_requested, activations,
        retry_policy::text, heartbeat_timeout_ms, heartbeat_at, heartbeat_details::text,
        tags::text, continued_from, continued_to
        """;

    // Primary key insert, sent in one batch with NotifyPending when the row is due now. Inside a caller's transaction
    // the NOTIFY goes out at its commit, never for a rolled-back enqueue; outside one, after the insert's own commit
    // (NotifyAfterCommit). Positional parameters (Npgsql sends the SQL unparsed): $1 id, $2 kind, $3 name, $4 queue,
    // $5 priority, $6 args, $7 max_attempts, $8 timeout_ms, $9 run_at, $10 delay, $11 idempotency_key, $12 parent_id,
    // $13 parent_seq, $14 trace_context, $15 retry_policy, $16 heartbeat_timeout_ms, $17 tags.
    private const string InsertRow = """
        INSERT INTO currant.executions
            (id, kind, name, queue, priority, args, max_attempts, timeout_ms, scheduled_at, idempotency_key, parent_id, parent_seq, trace_context,
             retry_policy, heartbeat_timeout_ms, tags)
        VALUES
            ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now() + $10), $11, $12, $13, $14, $15, $16, $17)
        """;

    // Without an idempotency key: a plain insert. ON CONFLICT would make every insert speculative (an arbiter check
    // and a confirmation record), which is what `InsertWithKey` costs only when there is a key to deduplicate.
    internal const string Insert = $"{InsertRow} RETURNING id";

    // With an idempotency key: executions_idempotency_key_idx turns a repeat into a no-op (no row).
    internal const string InsertWithKey = $"{InsertRow} ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id";

    /// <summary>
    /// The most a hand-off's arguments, names, trace context and retry policy may add up to (bytes). The NOTIFY carries
    /// them (PostgreSQL's limit is 8,000 bytes a payload); a bigger row is inserted pending and announced by queue name.
    /// </summary>
    internal const string HandOffBudget = "2000";

    // What InsertHandOff and InsertLocal require of a row ($3 name, $4 queue) before it starts at its insert: a claim
    // would have taken it at once and in the same order. The queue is neither paused nor limited, the name has no
    // per-key limit, and nothing of the queue is due and waiting (executions_claim_idx).
    private const string ClaimTakesAtOnce = """
        NOT EXISTS (SELECT 1 FROM currant.queues WHERE name = $4 AND (paused OR max_concurrency IS NOT NULL))
        AND NOT EXISTS (SELECT 1 FROM currant.definitions WHERE name = $3 AND concurrency_max IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM currant.executions WHERE state = 'pending' AND queue = $4 AND scheduled_at <= now())
        """;

    // The CTE both InsertHandOff and InsertLocal end with: the row of InsertRow, running under the worker the CTE `slot`
    // chose (what a claim would make of it: attempt 1, a workflow on activation 1), or pending when it chose none.
    private const string InsertedUnderSlot = """
        inserted AS (
            INSERT INTO currant.executions
                (id, kind, name, queue, priority, args, max_attempts, timeout_ms, scheduled_at, idempotency_key, parent_id, parent_seq, trace_context,
                 retry_policy, heartbeat_timeout_ms, tags, state, worker_id, started_at, attempt, activations)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now() + $10), $11, $12, $13, $14, $15, $16, $17,
                   CASE WHEN slot.worker_id IS NULL THEN 'pending' ELSE 'running' END, slot.worker_id,
                   CASE WHEN slot.worker_id IS NOT NULL THEN now() END,
                   CASE WHEN slot.worker_id IS NULL THEN 0 ELSE 1 END,
                   CASE WHEN slot.worker_id IS NOT NULL AND $2 = 'workflow' THEN 1 ELSE 0 END
            FROM (VALUES (1)) AS one LEFT JOIN slot ON true
            RETURNING id, kind, name, queue, args, max_attempts, timeout_ms, trace_context, retry_policy, heartbeat_timeout_ms, worker_id
        )
        """;

    // The insert of one execution due now, outside a caller's transaction, without an idempotency key (the client
    // checks these): handed to an idle worker when one has advertised a free slot for its queue (db/0017), else
    // pending. One statement; its NOTIFY (NotifyHandOff) follows the commit. Only to a worker whose heartbeat is fresh
    // (worker_slots.fresh_for), within HandOffBudget, and only where a claim would have taken the row at once
    // (ClaimTakesAtOnce). Parameters as InsertRow.
    internal const string InsertHandOff = $$"""
        WITH slot AS (
            UPDATE currant.worker_slots s SET ready = false
            FROM (SELECT ws.worker_id FROM currant.worker_slots ws JOIN currant.workers w ON w.id = ws.worker_id
                  WHERE ws.ready AND $4 = ANY(ws.queues) AND w.heartbeat_at > now() - ws.fresh_for
                  LIMIT 1 FOR UPDATE OF ws SKIP LOCKED) AS free
            WHERE s.worker_id = free.worker_id
              AND octet_length($6::text) + octet_length($3) + octet_length($4) + coalesce(octet_length($14), 0)
                  + coalesce(octet_length($15::text), 0) <= {{HandOffBudget}}
              AND {{ClaimTakesAtOnce}}
            RETURNING s.worker_id
        ), {{InsertedUnderSlot}}
        SELECT id,
            set_config('{{HandOffChannelSetting}}',
                       CASE WHEN worker_id IS NULL THEN '{{SharedNames.PendingChannel}}' ELSE '{{SharedNames.HandOffChannel}}' END, false),
            set_config('{{HandOffPayloadSetting}}',
                       CASE WHEN worker_id IS NULL THEN queue
                            ELSE worker_id::text || ' ' || json_build_array(id, kind, name, queue, args, max_attempts, timeout_ms, trace_context,
                                                                            retry_policy, heartbeat_timeout_ms)::text END, false)
        FROM inserted
        """;

    // The insert of one execution that a worker of the inserting process has a slot reserved for (eager start, as
    // Temporal's eager workflow start): inserted running under $18, the process starts it in memory, with no NOTIFY and
    // no claim. Under the same conditions as InsertHandOff (ClaimTakesAtOnce), else pending. One statement, its own
    // transaction; a row it left pending is announced after that commit (NotifyPendingAfterCommit, a second round trip
    // that the started rows, nearly all of them, do without). Parameters as InsertRow, $18 the worker.
    internal const string InsertLocal = $$"""
        WITH slot AS (
            SELECT $18::uuid AS worker_id
            WHERE {{ClaimTakesAtOnce}}
        ), {{InsertedUnderSlot}}
        SELECT worker_id IS NOT NULL FROM inserted
        """;

    // InsertHandOff's NOTIFY, sent after its COMMIT (NotifyAfterCommit) from the two session settings it left: the
    // channel and payload of the decision it made, not a second look at the row (which a claim may have taken since).
    private const string HandOffChannelSetting = "currant.handoff_channel";
    private const string HandOffPayloadSetting = "currant.handoff_payload";

    internal const string NotifyHandOff =
        $"SELECT {NotifyAfterCommit.NoFlushWait}, pg_notify(current_setting('{HandOffChannelSetting}'), current_setting('{HandOffPayloadSetting}'))";

    // executions_idempotency_key_idx
    internal const string SelectByIdempotencyKey = "SELECT id FROM currant.executions WHERE idempotency_key = @idempotency_key";

    // $1 queue.
    internal const string NotifyPending = $"SELECT pg_notify('{SharedNames.PendingChannel}', $1)";

    // NotifyPending after the insert's own commit (NotifyAfterCommit). $1 queue.
    internal const string NotifyPendingAfterCommit = $"SELECT {NotifyAfterCommit.NoFlushWait}, pg_notify('{SharedNames.PendingChannel}', $1)";

    // Sent with an insert that is not due yet: its scheduled_at, computed as the insert computes it (the same now()
    // in the same transaction), goes to the listening workers' alarms (db/0004).
    // $1 queue, $2 run_at, $3 delay.
    internal const string NotifyDue = "SELECT currant.notify_due($1, COALESCE($2, now() + $3))";

    // NotifyDue after the insert's own commit (NotifyAfterCommit): its now() is that next transaction's, microseconds
    // after the insert's, so the alarm it sets for a delay rings that much late, never early.
    internal const string NotifyDueAfterCommit = $"SELECT {NotifyAfterCommit.NoFlushWait}, currant.notify_due($1, COALESCE($2, now() + $3))";

    // Bulk insert for QueueMany: binary COPY, the fastest way into Postgres.
    internal const string Copy = """
        COPY currant.executions (id, kind, name, queue, priority, args, max_attempts, timeout_ms, scheduled_at, parent_id, parent_seq, trace_context,
                                 retry_policy, heartbeat_timeout_ms)
        FROM STDIN (FORMAT BINARY)
        """;

    // Bulk insert of rows due now: scheduled_at takes its default, now(), the same as created_at, so the rows stay out
    // of executions_due_idx (db/0004) whatever the client's clock says and however long the caller's transaction is.
    internal const string CopyDueNow = """
        COPY currant.executions (id, kind, name, queue, priority, args, max_attempts, timeout_ms, parent_id, parent_seq, trace_context,
                                 retry_policy, heartbeat_timeout_ms)
        FROM STDIN (FORMAT BINARY)
        """;

    // Bulk insert with idempotency keys (COPY cannot skip conflicts).
    internal const string InsertMany = """
        WITH input AS (
            SELECT * FROM unnest(@ids::uuid[], @args::jsonb[], @keys::text[]) AS t(id, args, idempotency_key)
        )
        INSERT INTO currant.executions
            (id, kind, name, queue, priority, args, max_attempts, timeout_ms, scheduled_at, idempotency_key, trace_context,
             retry_policy, heartbeat_timeout_ms)
        SELECT id, @kind, @name, @queue, @priority, args, @max_attempts, @timeout_ms, COALESCE(@run_at, now() + @delay), idempotency_key, @trace_context,
               @retry_policy, @heartbeat_timeout_ms
        FROM input
        ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        """;

    // executions_idempotency_key_idx
    internal const string SelectIdsByKeys = """
        SELECT k.ord, e.id FROM unnest(@keys::text[]) WITH ORDINALITY AS k(key, ord)
        JOIN currant.executions e ON e.idempotency_key = k.key
        """;

    // executions_claim_idx, one ordered index scan per queue: `queue = ANY(@queues)` would make Postgres read and
    // sort every pending row (11 ms per claim at a 10,000-row backlog, measured); LATERAL keeps it to LIMIT rows
    // per queue. SKIP LOCKED lets workers claim side by side; rows locked here beyond the final LIMIT are released
    // at the end of the statement. A workflow is claimed once per activation: that counts an activation (its fence
    // token), not an attempt (db/0005_workflow_activations.sql).
    // A workflow the rescuer handed back (its error says the worker was lost) runs its activities the durable way on
    // this activation, not inside it: an activity that kills its worker then spends attempts instead of looping.
    // Rows of queues without controls (WorkerQueries.ControlsApply false, checked again here as a one-time filter, so
    // a control set after the producer last looked stops this claim: it then claims nothing and the producer switches
    // to ClaimLimited): no room to count, nothing to lock, the plain ordered index scan.
    internal const string Claim = $$"""
        WITH locked AS (
            SELECT c.id, c.priority, c.scheduled_at
            FROM unnest(@queues::text[]) AS q(name)
            CROSS JOIN LATERAL (
                SELECT id, priority, scheduled_at FROM currant.executions
                WHERE state = 'pending' AND queue = q.name AND scheduled_at <= now()
                ORDER BY priority DESC, scheduled_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
            ) AS c
            WHERE NOT {{WorkerQueries.ControlsApply}}
        ), next AS (
            SELECT id FROM locked ORDER BY priority DESC, scheduled_at LIMIT @limit
        )
        {{ClaimUpdate}}
        """;

    // The claim while queue controls or per-key limits apply (WorkerQueries.ControlsApply).
    // Queue controls (db/0011): a paused queue gets LIMIT 0; a limited one at most its room, its limit less its running
    // rows (executions_running_idx, db/0013), counted after WorkerQueries.ClaimTransaction took the queue's lock.
    // Per-key limits (db/0011, [Job(ConcurrencyKey, MaxConcurrency)]): a row of a keyed job whose key value is at its
    // limit is passed over in the scan (so rows of other keys behind it are claimed), and the window in `next` keeps a
    // batch from taking more rows of one key than its room. Rows of jobs without a key skip both (one primary-key
    // probe of the tiny definitions table).
    internal const string ClaimLimited = $$"""
        WITH locked AS (
            SELECT c.id, c.priority, c.scheduled_at, c.key, c.room
            FROM unnest(@queues::text[]) AS q(name)
            LEFT JOIN currant.queues cq ON cq.name = q.name
            CROSS JOIN LATERAL (
                SELECT e.id, e.priority, e.scheduled_at, k.key, k.room
                FROM currant.executions e
                LEFT JOIN LATERAL (
                    SELECT e.name || ':' || (e.args -> d.concurrency_arg)::text AS key,
                           d.concurrency_max - (SELECT count(*) FROM currant.executions r
                                                WHERE r.state = 'running' AND r.name = e.name
                                                  AND r.args -> d.concurrency_arg = e.args -> d.concurrency_arg) AS room
                    FROM currant.definitions d
                    WHERE d.name = e.name AND d.concurrency_max IS NOT NULL AND e.kind = 'job'
                ) AS k ON true
                WHERE e.state = 'pending' AND e.queue = q.name AND e.scheduled_at <= now() AND (k.room IS NULL OR k.room > 0)
                ORDER BY e.priority DESC, e.scheduled_at
                LIMIT CASE
                    WHEN cq.paused THEN 0
                    WHEN cq.max_concurrency IS NULL THEN @limit
                    ELSE LEAST(@limit, GREATEST(0, cq.max_concurrency
                        - (SELECT count(*) FROM currant.executions r WHERE r.queue = q.name AND r.state = 'running')))
                END
                FOR UPDATE OF e SKIP LOCKED
            ) AS c
        ), next AS (
            SELECT id FROM (
                SELECT id, priority, scheduled_at, key, room, row_number() OVER (PARTITION BY key ORDER BY priority DESC, scheduled_at) AS nth
                FROM locked
            ) AS l
            WHERE key IS NULL OR nth <= room
            ORDER BY priority DESC, scheduled_at LIMIT @limit
        )
        {{ClaimUpdate}}
        """;

    // The end of both claims: `next` holds the ids to take, one attempt each (a workflow's claim counts an activation).
    private const string ClaimUpdate = $$"""
        UPDATE currant.executions e
        SET state = 'running', worker_id = @worker_id, started_at = now(),
            attempt = CASE WHEN e.kind = 'workflow' THEN GREATEST(e.attempt, 1) ELSE e.attempt + 1 END,
            activations = CASE WHEN e.kind = 'workflow' THEN e.activations + 1 ELSE e.activations END
        FROM next
        WHERE e.id = next.id
        RETURNING e.id, e.kind, e.name, e.queue, e.args::text, e.attempt, e.max_attempts, e.timeout_ms, e.parent_id, e.parent_seq, e.trace_context, e.cancel_requested,
                  GREATEST(e.started_at - e.scheduled_at, interval '0'), e.activations,
                  (e.kind = 'workflow' AND e.error->>'type' = '{{SharedNames.WorkerLostError}}') IS TRUE,
                  e.retry_policy::text, e.heartbeat_timeout_ms, e.heartbeat_details::text
        """;

    // executions_due_idx (db/0004), one index probe per queue. Sent in one batch with the claim, so both run in one
    // implicit transaction with one now(): every pending row of the queues is either due (the claim's to take) or
    // counted here, and none can fall between the two. Null when nothing of the queues is waiting for its time.
    internal const string NextDue = """
        SELECT min(d.scheduled_at) - now()
        FROM unnest(@queues::text[]) AS q(name)
        CROSS JOIN LATERAL (
            SELECT scheduled_at FROM currant.executions
            WHERE state = 'pending' AND scheduled_at > created_at AND queue = q.name AND scheduled_at > now()
            ORDER BY scheduled_at
            LIMIT 1
        ) AS d
        """;

    /// <summary>The row of <see cref="NextDue"/>: how long until the next row of the queues is due, or null.</summary>
    internal static TimeSpan? ReadNextDue(NpgsqlDataReader r) => r.IsDBNull(0) ? null : r.GetTimeSpan(0);

    /// <summary>One row of <see cref="Claim"/>.</summary>
    internal static ClaimedExecution ReadClaimed(NpgsqlDataReader r) => new(
        r.GetGuid(0),
        StateNames.ParseKind(r.GetString(1)),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetInt32(5),
        r.GetInt32(6),
        r.IsDBNull(7) ? null : TimeSpan.FromMilliseconds(r.GetInt32(7)),
        r.IsDBNull(8) ? null : r.GetGuid(8),
        r.IsDBNull(9) ? null : r.GetInt32(9),
        r.IsDBNull(10) ? null : r.GetString(10),
        r.GetBoolean(11),
        r.GetTimeSpan(12),
        r.GetInt32(13),
        r.GetBoolean(14),
        r.IsDBNull(15) ? null : r.GetString(15),
        r.IsDBNull(16) ? null : TimeSpan.FromMilliseconds(r.GetInt32(16)),
        r.IsDBNull(17) ? null : r.GetString(17));

    // Primary key. The fence (worker_id, fence token, state) rejects writes from a worker that lost its claim; the
    // token is a workflow's activation count and any other kind's attempt (ClaimedExecution.Fence). A hand-back
    // (released) gives the attempt back; a workflow's attempt and activations stay (the token must never repeat).
    // Finished ids are announced on currant_finished in chunks that stay far below NOTIFY's 8000-byte payload limit;
    // rows handed back announce themselves on currant_pending, retries after a backoff on currant_due.
    internal const string Complete = $$"""
        WITH input AS (
            SELECT * FROM unnest(@ids::uuid[], @fences::int[], @states::text[], @results::jsonb[], @errors::jsonb[], @retry_in::interval[], @released::bool[])
                AS t(id, fence, state, result, error, retry_in, released)
        ), done AS (
            UPDATE currant.executions e
            SET state = i.state,
                result = i.result,
                error = COALESCE(i.error, e.error),
                completed_at = CASE WHEN i.state IN ('completed', 'failed', 'cancelled') THEN now() END,
                scheduled_at = CASE WHEN i.retry_in IS NOT NULL THEN now() + i.retry_in ELSE e.scheduled_at END,
                attempt = CASE WHEN i.released AND e.kind <> 'workflow' THEN e.attempt - 1 ELSE e.attempt END,
                worker_id = NULL
            FROM input i
            WHERE e.id = i.id AND e.worker_id = @worker_id AND e.state = 'running'
              AND CASE WHEN e.kind = 'workflow' THEN e.activations ELSE e.attempt END = i.fence
            RETURNING e.id, e.state, e.queue, e.scheduled_at, e.name
        ), finished AS (
            SELECT pg_notify('{{SharedNames.FinishedChannel}}', string_agg(id::text, ',')) AS n
            FROM (SELECT id, (row_number() OVER ()) / 100 AS chunk FROM done WHERE state IN ('completed', 'failed', 'cancelled')) c
            GROUP BY chunk
        ), pending AS (
            -- A finished row of a limited queue (db/0011) frees room that other workers may be waiting for.
            SELECT pg_notify('{{SharedNames.PendingChannel}}', queue) AS n FROM (
                SELECT DISTINCT queue FROM done
                WHERE (state = 'pending' AND scheduled_at <= now())
                   OR queue IN (SELECT name FROM currant.queues WHERE max_concurrency IS NOT NULL)
                   OR name IN (SELECT name FROM currant.definitions WHERE concurrency_max IS NOT NULL)) q
        ), due AS (
            SELECT currant.notify_due(queue, min(scheduled_at)) AS n FROM done WHERE state = 'pending' AND scheduled_at > now() GROUP BY queue
        )
        SELECT d.id, (SELECT count(*) FROM finished) + (SELECT count(*) FROM pending) + (SELECT count(*) FROM due) FROM done d
        """;

    // Primary key, fenced like a completion (worker, attempt, running): a heartbeat of an attempt that lost its row
    // writes nothing and learns so (no row). heartbeat_at is in no index, so this is a HOT update. Null details keep
    // the last ones. $1 id, $2 worker_id, $3 attempt, $4 details.
    internal const string HeartbeatExecution = """
        UPDATE currant.executions
        SET heartbeat_at = now(), heartbeat_details = COALESCE($4, heartbeat_details)
        WHERE id = $1 AND worker_id = $2 AND attempt = $3 AND state = 'running'
        RETURNING cancel_requested
        """;

    // executions_heartbeat_idx (db/0009): the running attempts whose heartbeat timeout passed, whoever runs them (a
    // stuck worker keeps its own heartbeat going; a dead one is also the rescuer's, whichever comes first). Each fails
    // as timed out like an attempt that threw: pending after its retry delay (currant.retry_delay, the SQL twin of
    // RetryBackoff, with the worker's defaults) while attempts remain, else failed, which wakes a parent workflow
    // through currant.child_finished. worker_id is cleared, so the old attempt's late writes are fenced out.
    // @base_delay, @max_delay: the sweeping worker's RetryBaseDelay and RetryMaxDelay.
    internal const string SweepHeartbeats = $$"""
        WITH expired AS (
            SELECT id FROM currant.executions
            WHERE state = 'running' AND heartbeat_timeout_ms IS NOT NULL AND kind IN ('job', 'activity')
              AND GREATEST(heartbeat_at, started_at) < now() - heartbeat_timeout_ms * interval '1 millisecond'
            FOR UPDATE SKIP LOCKED
        ), timed_out AS (
            UPDATE currant.executions e
            SET state = CASE WHEN e.attempt < e.max_attempts THEN 'pending' ELSE 'failed' END,
                completed_at = CASE WHEN e.attempt < e.max_attempts THEN NULL ELSE now() END,
                scheduled_at = CASE WHEN e.attempt < e.max_attempts THEN now() + currant.retry_delay(e.retry_policy, e.attempt, @base_delay, @max_delay)
                                    ELSE e.scheduled_at END,
                error = jsonb_build_object('type', 'System.TimeoutException',
                                           'message', 'Attempt ' || e.attempt || ' of ''' || e.name || ''' sent no heartbeat for '
                                                      || (e.heartbeat_timeout_ms / 1000.0)::float8 || ' s (its HeartbeatTimeout); last heartbeat: '
                                                      || COALESCE(to_char(e.heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'none') || '.',
                                           'nonRetryable', false),
                worker_id = NULL
            FROM expired
            WHERE e.id = expired.id
            RETURNING e.id, e.state, e.queue, e.scheduled_at
        ), finished AS (
            SELECT pg_notify('{{SharedNames.FinishedChannel}}', string_agg(id::text, ',')) AS n
            FROM (SELECT id, (row_number() OVER ()) / 100 AS chunk FROM timed_out WHERE state = 'failed') c
            GROUP BY chunk
        ), pending AS (
            SELECT pg_notify('{{SharedNames.PendingChannel}}', queue) AS n FROM (SELECT DISTINCT queue FROM timed_out WHERE state = 'pending' AND scheduled_at <= now()) q
        ), due AS (
            SELECT currant.notify_due(queue, min(scheduled_at)) AS n FROM timed_out WHERE state = 'pending' AND scheduled_at > now() GROUP BY queue
        )
        SELECT (SELECT count(*) FROM timed_out), (SELECT count(*) FROM finished) + (SELECT count(*) FROM pending) + (SELECT count(*) FROM due)
        """;

    // executions_running_idx: hand back everything this worker still holds (shutdown past the grace period),
    // attempts not spent. A workflow's claim spent no attempt, and its activations stay (a fence token never repeats).
    internal const string ReleaseAll = $$"""
        WITH released AS (
            UPDATE currant.executions
            SET state = 'pending', worker_id = NULL, attempt = CASE WHEN kind = 'workflow' THEN attempt ELSE attempt - 1 END
            WHERE worker_id = @worker_id AND state = 'running'
            RETURNING queue
        )
        SELECT pg_notify('{{SharedNames.PendingChannel}}', queue) FROM (SELECT DISTINCT queue FROM released) q
        """;

    /// <summary>One row of a query that selects <see cref="Columns"/> (<see cref="SelectById"/>, <see cref="List"/>).</summary>
    internal static ExecutionInfo ReadInfo(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        Kind = StateNames.ParseKind(r.GetString(1)),
        Name = r.GetString(2),
        Queue = r.GetString(3),
        Priority = r.GetInt32(4),
        State = StateNames.ParseState(r.GetString(5)),
        Arguments = r.IsDBNull(6) ? null : r.GetString(6),
        Result = r.IsDBNull(7) ? null : r.GetString(7),
        Error = CurrantStore.DeserializeError(r.IsDBNull(8) ? null : r.GetString(8)),
        Attempt = r.GetInt32(9),
        MaxAttempts = r.GetInt32(10),
        ScheduledAt = r.GetFieldValue<DateTimeOffset>(11),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(12),
        StartedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        CompletedAt = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        WorkerId = r.IsDBNull(15) ? null : r.GetGuid(15),
        ParentId = r.IsDBNull(16) ? null : r.GetGuid(16),
        IdempotencyKey = r.IsDBNull(17) ? null : r.GetString(17),
        CancelRequested = r.GetBoolean(18),
        Activations = r.GetInt32(19),
        RetryPolicy = r.IsDBNull(20) ? null : StoredRetryPolicy.Parse(r.GetString(20))?.ToPolicy(r.GetInt32(10)),
        HeartbeatTimeout = r.IsDBNull(21) ? null : TimeSpan.FromMilliseconds(r.GetInt32(21)),
        HeartbeatAt = r.IsDBNull(22) ? null : r.GetFieldValue<DateTimeOffset>(22),
        HeartbeatDetails = r.IsDBNull(23) ? null : r.GetString(23),
        Tags = ExecutionTags.FromJson(r.IsDBNull(24) ? null : r.GetString(24)),
        ContinuedFrom = r.IsDBNull(25) ? null : r.GetGuid(25),
        ContinuedTo = r.IsDBNull(26) ? null : r.GetGuid(26),
    };

    // Primary key.
    // $1 id.
    internal const string SelectById = $"SELECT {Columns} FROM currant.executions WHERE id = $1";

    // Newest first by the time-ordered UUIDv7 primary key; the filters are optional.
    internal const string List = $"""
        SELECT {Columns} FROM currant.executions
        WHERE (@queue::text IS NULL OR queue = @queue)
          AND (@state::text IS NULL OR state = @state)
          AND (@kind::text IS NULL OR kind = @kind)
          AND (@include_timers OR @kind::text IS NOT NULL OR kind <> 'timer')
          AND (@name::text IS NULL OR name = @name)
        ORDER BY id DESC
        LIMIT @limit
        """;

    // executions_tags_idx (GIN, jsonb_path_ops): `tags @> @tags` with the filter as a constant per call, so the
    // planner proves the partial index's `tags IS NOT NULL` (containment is strict). A separate query, not an
    // `@tags IS NULL OR …` branch of List, which a generic plan could not match to the index. EXPLAIN checked by
    // ExecutionTagsTests.ListAsync_ByTag_UsesTheTagsIndex.
    internal const string ListByTags = $"""
        SELECT {Columns} FROM currant.executions
        WHERE tags @> @tags::jsonb
          AND (@queue::text IS NULL OR queue = @queue)
          AND (@include_timers OR @kind::text IS NOT NULL OR kind <> 'timer')
          AND (@state::text IS NULL OR state = @state)
          AND (@kind::text IS NULL OR kind = @kind)
          AND (@name::text IS NULL OR name = @name)
        ORDER BY id DESC
        LIMIT @limit
        """;

    // Bulk enqueue with tags: the rows COPY or the keyed insert just wrote, in the same transaction.
    internal const string TagMany = "UPDATE currant.executions SET tags = @tags::jsonb WHERE id = ANY(@ids)";

    // Primary key, then currant.cancel_tree: a pending or suspended execution (and everything it started) is
    // cancelled at once; a running one is asked to stop (its worker hears currant_cancel, or sees cancel_requested
    // on its next heartbeat). A running workflow is cancelled at once: its activation's commit is fenced out.
    internal const string Cancel = """
        SELECT e.state, currant.cancel_tree(e.id, 'cancelled',
            '{"type": "System.OperationCanceledException", "message": "Cancelled on request.", "nonRetryable": true}'::jsonb)
        FROM currant.executions e
        WHERE e.id = COALESCE(currant.latest_run(@id), @id) AND e.state IN ('pending', 'running', 'suspended')
        """;
}
