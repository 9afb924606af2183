using Currant.Workflows;
using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>The SQL of workflow activations, signals and history.</summary>
internal static class WorkflowQueries
{
    // history primary key (workflow_id, seq). All of it (@full), or for a workflow cached in memory only what is
    // newer than the cache: steps past its last one, versions it did not record, outcomes that arrived since.
    internal const string LoadHistory = """
        SELECT seq, kind, name, state, child_id, result::text, error::text, completed_order, completed_at
        FROM currant.history
        WHERE workflow_id = @id AND (@full OR seq > @max_seq OR seq < @min_version_seq OR completed_order > @max_order)
        ORDER BY seq
        """;

    /// <summary>One row of <see cref="LoadHistory"/>.</summary>
    internal static HistoryEvent ReadHistoryEvent(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetGuid(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : r.GetInt64(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateTime>(8));

    // signals_buffered_idx.
    internal const string LoadSignals = """
        SELECT id, name, payload::text, created_at FROM currant.signals
        WHERE workflow_id = @id AND consumed_seq IS NULL ORDER BY id
        """;

    /// <summary>One row of <see cref="LoadSignals"/>.</summary>
    internal static BufferedSignal ReadBufferedSignal(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTime>(3));

    internal const string LoadWorkflow = "SELECT wake_count, created_at FROM currant.executions WHERE id = @id";

    /// <summary>The row of <see cref="LoadWorkflow"/>: the wake counter and when the workflow was created.</summary>
    internal static (int WakeCount, DateTimeOffset CreatedAt) ReadWorkflow(NpgsqlDataReader r) => (r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1));

    // The fence: only the worker holding this activation may commit, and the row stays locked until it does. The
    // batch is one implicit transaction, so a failed currant.require undoes every statement of the activation.
    // The statements of every step ($n below) take positional parameters: Npgsql sends them without rewriting the SQL.
    // $1 id, $2 worker_id, $3 fence.
    internal const string Fence = $"""
        SELECT {FenceChecks}
        FROM (SELECT cancel_requested FROM currant.executions
              WHERE id = $1 AND worker_id = $2 AND activations = $3 AND state = 'running'
              FOR UPDATE) AS held
        """;

    // What the fence requires of the rows `held` it locked (Fence, FencedHistoryRow).
    private const string FenceChecks = "currant.require(count(*) = 1, 'fenced'), currant.require(bool_and(NOT cancel_requested), 'cancelled')";

    // The fence and a step's one history row in one statement: the common checkpoint (one step recorded) pays for
    // one statement instead of two. The row is inserted from the fence's checked row, so a refused fence inserts
    // nothing, as when the two were separate statements of one transaction.
    // $1 id, $2 seq, $3 kind, $4 name, $5 state, $6 child_id, $7 result, $8 error, $9 at, $10 worker_id, $11 fence.
    internal const string FencedHistoryRow = $"""
        WITH held AS (
            SELECT cancel_requested FROM currant.executions
            WHERE id = $1 AND worker_id = $10 AND activations = $11 AND state = 'running'
            FOR UPDATE
        ), checked AS (
            SELECT {FenceChecks} FROM held
        )
        {HistoryRowInto}
        SELECT {HistoryRowValues} FROM checked
        """;

    // FencedHistoryRow for several workflows at once: the group commit's checkpoints of an activity that ran inside the
    // activation (its row: InsertRanChildren) go out as one statement instead of one each, so the executor is set up
    // once for them. One input row per history row, each with its workflow's fence; a workflow's rows all
    // lock its one row, in id order (primary key), as the batch orders its checkpoints. One refused fence refuses the
    // statement, and the group commit then splits the batch as for any refusal, down to the checkpoint that caused it.
    // @ids, @worker_ids, @fences, then the history columns as InsertHistory's arrays.
    internal const string FencedHistoryRows = $"""
        WITH input AS (
            SELECT * FROM unnest(@ids::uuid[], @worker_ids::uuid[], @fences::int[], @seqs::int[], @kinds::text[], @names::text[], @states::text[],
                                 @child_ids::uuid[], @results::jsonb[], @errors::jsonb[], @ats::timestamptz[])
                AS t(workflow_id, worker_id, fence, seq, kind, name, state, child_id, result, error, at)
        ), held AS (
            SELECT e.cancel_requested FROM currant.executions e
            JOIN input i ON e.id = i.workflow_id AND e.worker_id = i.worker_id AND e.activations = i.fence
            WHERE e.state = 'running'
            ORDER BY e.id
            FOR UPDATE OF e
        ), checked AS (
            SELECT currant.require(count(*) = cardinality(@ids::uuid[]), 'fenced'), currant.require(bool_and(NOT cancel_requested), 'cancelled') FROM held
        )
        INSERT INTO currant.history (workflow_id, seq, kind, name, state, child_id, result, error, completed_at)
        SELECT workflow_id, seq, kind, name, state, child_id, result, error, COALESCE(at, CASE WHEN state <> 'scheduled' THEN now() END)
        FROM input, checked
        """;

    // Fused step, 1 of 3: take the workflow as this worker left it (suspended, nobody woke it since, no newer
    // activation). Anything else conflicts: the activity's outcome then goes the ordinary way (the trigger wakes it).
    internal const string FuseTake = """
        WITH taken AS (
            UPDATE currant.executions SET state = 'running', worker_id = @worker_id, activations = activations + 1, started_at = now()
            WHERE id = @id AND state = 'suspended' AND error IS NULL AND wake_count = @seen_wake_count AND activations = @previous_fence
            RETURNING 1
        )
        SELECT currant.require((SELECT count(*) FROM taken) = 1, 'conflict')
        """;

    // Fused step, 1 of 3, when the activation's final commit carries it: lock the workflow as this worker left it;
    // FinishFused then moves it straight to its next state (one row version per step, not two).
    internal const string FuseLock = """
        SELECT currant.require(count(*) = 1, 'conflict')
        FROM (SELECT 1 FROM currant.executions
              WHERE id = @id AND state = 'suspended' AND error IS NULL AND wake_count = @seen_wake_count AND activations = @previous_fence
              FOR UPDATE) AS held
        """;

    // Fused step, 2 of 3: the activity's outcome into the history, before the activity row changes state, so the
    // child_finished trigger finds nothing left to record and wakes nobody.
    internal const string FuseRecord = """
        WITH recorded AS (
            UPDATE currant.history
            SET state = @state, result = @result, error = @error, completed_at = @at, completed_order = nextval('currant.history_order')
            WHERE workflow_id = @id AND seq = @seq AND state = 'scheduled' AND child_id = @child_id
            RETURNING 1
        )
        SELECT currant.require((SELECT count(*) FROM recorded) = 1, 'conflict')
        """;

    // Fused step, 3 of 3: complete the activity, fenced like any completion. No currant_finished NOTIFY: an
    // activity's outcome is its workflow's business, and the workflow has it already.
    internal const string FuseComplete = """
        WITH done AS (
            UPDATE currant.executions
            SET state = @state, result = @result, error = COALESCE(@error, error), completed_at = now(), worker_id = NULL
            WHERE id = @child_id AND worker_id = @worker_id AND attempt = @child_attempt AND state = 'running'
            RETURNING id
        )
        SELECT currant.require((SELECT count(*) FROM done) = 1, 'fenced')
        """;

    // completed_at is the workflow time the row records when the worker chose it (a step's end, the start).
    internal const string InsertHistory = """
        INSERT INTO currant.history (workflow_id, seq, kind, name, state, child_id, result, error, completed_at)
        SELECT @id, seq, kind, name, state, child_id, result, error, COALESCE(at, CASE WHEN state <> 'scheduled' THEN now() END)
        FROM unnest(@seqs::int[], @kinds::text[], @names::text[], @states::text[], @child_ids::uuid[], @results::jsonb[], @errors::jsonb[], @ats::timestamptz[])
            AS t(seq, kind, name, state, child_id, result, error, at)
        """;

    // InsertHistory with the fence (Fence) in the same statement: an activation that records several history rows
    // pays for one statement instead of two. The rows are inserted from the fence's checked row, so a refused fence
    // inserts nothing. @id, @worker_id, @fence, then InsertHistory's arrays.
    internal const string FencedHistory = $"""
        WITH held AS (
            SELECT cancel_requested FROM currant.executions
            WHERE id = @id AND worker_id = @worker_id AND activations = @fence AND state = 'running'
            FOR UPDATE
        ), checked AS (
            SELECT {FenceChecks} FROM held
        )
        INSERT INTO currant.history (workflow_id, seq, kind, name, state, child_id, result, error, completed_at)
        SELECT @id, seq, kind, name, state, child_id, result, error, COALESCE(at, CASE WHEN state <> 'scheduled' THEN now() END)
        FROM unnest(@seqs::int[], @kinds::text[], @names::text[], @states::text[], @child_ids::uuid[], @results::jsonb[], @errors::jsonb[], @ats::timestamptz[])
            AS t(seq, kind, name, state, child_id, result, error, at), checked
        """;

    // The common case of InsertHistory, one row: plain parameters bind for a fraction of what arrays cost.
    // $1 id, $2 seq, $3 kind, $4 name, $5 state, $6 child_id, $7 result, $8 error, $9 at.
    internal const string InsertHistoryRow = $"""
        {HistoryRowInto}
        VALUES ({HistoryRowValues})
        """;

    // The one history row of InsertHistoryRow and FencedHistoryRow, from their positional parameters $1..$9.
    private const string HistoryRowInto = "INSERT INTO currant.history (workflow_id, seq, kind, name, state, child_id, result, error, completed_at)";
    private const string HistoryRowValues = "$1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, CASE WHEN $5 <> 'scheduled' THEN now() END)";

    // A wait recorded by an earlier activation takes the signal now; its outcome arrived after the call, so it
    // gets an arrival order like a child's, and the workflow time it woke the workflow at (@at, the signal's
    // arrival). Zero rows means a timeout got there first: the activation conflicts.
    internal const string CompleteSignalWait = """
        WITH taken AS (
            UPDATE currant.history
            SET state = 'completed', result = @payload, completed_at = @at, completed_order = nextval('currant.history_order')
            WHERE workflow_id = @id AND seq = @seq AND state = 'scheduled'
            RETURNING 1
        )
        SELECT currant.require((SELECT count(*) FROM taken) = 1, 'conflict')
        """;

    // signals primary key; consumed exactly once.
    internal const string ConsumeSignals = """
        WITH consumed AS (
            UPDATE currant.signals s SET consumed_seq = v.seq
            FROM unnest(@signal_ids::bigint[], @seqs::int[]) AS v(id, seq)
            WHERE s.id = v.id AND s.consumed_seq IS NULL
            RETURNING 1
        )
        SELECT currant.require((SELECT count(*) FROM consumed) = cardinality(@signal_ids::bigint[]), 'conflict')
        """;

    // Children start pending, or running on this worker when dispatched eagerly (no claim round trip).
    internal const string InsertChildren = """
        INSERT INTO currant.executions
            (id, kind, name, queue, priority, state, args, attempt, activations, max_attempts, timeout_ms, scheduled_at, started_at,
             worker_id, parent_id, parent_seq, idempotency_key, trace_context, retry_policy, heartbeat_timeout_ms)
        SELECT id, kind, name, queue, priority, CASE WHEN eager THEN 'running' ELSE 'pending' END, args,
               CASE WHEN eager THEN 1 ELSE 0 END, CASE WHEN eager AND kind = 'workflow' THEN 1 ELSE 0 END, max_attempts, timeout_ms, now() + delay,
               CASE WHEN eager THEN now() END, CASE WHEN eager THEN @worker_id END, @id, parent_seq, key, @trace_context, retry_policy, heartbeat_timeout_ms
        FROM unnest(@child_ids::uuid[], @kinds::text[], @names::text[], @queues::text[], @priorities::int[], @args::jsonb[],
                    @max_attempts::int[], @timeouts::int[], @delays::interval[], @parent_seqs::int[], @keys::text[], @eager::bool[],
                    @retry_policies::jsonb[], @heartbeat_timeouts::int[])
            AS t(id, kind, name, queue, priority, args, max_attempts, timeout_ms, delay, parent_seq, key, eager, retry_policy, heartbeat_timeout_ms)
        ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        """;

    // The common case of InsertChildren, one child without an idempotency key (a step's next activity, a timer):
    // plain parameters, and no ON CONFLICT, so the insert is not speculative. $1 id (the parent), $2..$12 the child
    // columns (CurrantStore.AddChildColumns), $13 worker_id, $14 eager, $15 retry_policy, $16 heartbeat_timeout_ms.
    internal const string InsertChild = """
        INSERT INTO currant.executions
            (id, kind, name, queue, priority, state, args, attempt, activations, max_attempts, timeout_ms, scheduled_at, started_at,
             worker_id, parent_id, parent_seq, trace_context, retry_policy, heartbeat_timeout_ms)
        VALUES ($3, $4, $5, $6, $7, CASE WHEN $14 THEN 'running' ELSE 'pending' END, $8,
                CASE WHEN $14 THEN 1 ELSE 0 END, CASE WHEN $14 AND $4 = 'workflow' THEN 1 ELSE 0 END, $9, $10,
                now() + $11, CASE WHEN $14 THEN now() END, CASE WHEN $14 THEN $13 END, $1, $12, $2, $15, $16)
        """;

    // An activity that ran inside its workflow's activation, written once with its outcome (no claim, no completion,
    // no trigger: the workflow recorded the outcome itself). Pending: to be retried after the delay, the attempt spent.
    // $1 id (the parent), $2..$12 the child columns (CurrantStore.AddChildColumns), $13 state, $14 result, $15 error,
    // $16 attempt, $17 started_at, $18 retry_policy, $19 heartbeat_timeout_ms, $20 heartbeat_details (the attempt's last).
    internal const string InsertRanChild = """
        INSERT INTO currant.executions
            (id, kind, name, queue, priority, state, args, result, error, attempt, activations, max_attempts, timeout_ms, scheduled_at,
             started_at, completed_at, parent_id, parent_seq, trace_context, retry_policy, heartbeat_timeout_ms, heartbeat_details)
        VALUES ($3, $4, $5, $6, $7, $13, $8, $14, $15, $16, 0, $9, $10,
                now() + $11, $17, CASE WHEN $13 <> 'pending' THEN now() END, $1, $12, $2, $18, $19, $20)
        """;

    // InsertRanChild for several workflows' activities at once, after FencedHistoryRows took their workflows: one
    // statement, so the executor and the predicates of the table's partial indexes are set up once for all of them.
    // Arrays in InsertRanChild's column order, with @parent_ids and @trace_contexts.
    internal const string InsertRanChildren = """
        INSERT INTO currant.executions
            (id, kind, name, queue, priority, state, args, result, error, attempt, activations, max_attempts, timeout_ms, scheduled_at,
             started_at, completed_at, parent_id, parent_seq, trace_context, retry_policy, heartbeat_timeout_ms, heartbeat_details)
        SELECT id, kind, name, queue, priority, state, args, result, error, attempt, 0, max_attempts, timeout_ms,
               now() + delay, started_at, CASE WHEN state <> 'pending' THEN now() END, parent_id, parent_seq, trace_context,
               retry_policy, heartbeat_timeout_ms, heartbeat_details
        FROM unnest(@child_ids::uuid[], @kinds::text[], @names::text[], @queues::text[], @priorities::int[], @states::text[], @args::jsonb[],
                    @results::jsonb[], @errors::jsonb[], @attempts::int[], @max_attempts::int[], @timeouts::int[], @delays::interval[],
                    @started_ats::timestamptz[], @parent_ids::uuid[], @parent_seqs::int[], @trace_contexts::text[], @retry_policies::jsonb[],
                    @heartbeat_timeouts::int[], @heartbeat_details::jsonb[])
            AS t(id, kind, name, queue, priority, state, args, result, error, attempt, max_attempts, timeout_ms, delay,
                 started_at, parent_id, parent_seq, trace_context, retry_policy, heartbeat_timeout_ms, heartbeat_details)
        """;

    // A workflow that is suspending but was woken while it ran (wake_count moved) goes straight back to pending.
    // $1 id, $2 state, $3 result, $4 error, $5 seen_wake_count, $6 worker_id, $7 fence.
    private const string FinishRow = """
        UPDATE currant.executions
        SET state = CASE WHEN $2 = 'suspended' AND wake_count <> $5 THEN 'pending' ELSE $2 END,
            result = $3,
            error = $4,
            completed_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() END,
            scheduled_at = now(),
            worker_id = NULL
        WHERE id = $1 AND worker_id = $6 AND activations = $7 AND state = 'running'
        """;

    // Finish of a fused step's activation: the row FuseLock holds, still suspended, counts the activation and takes
    // its next state. Nobody could wake it in between (the lock), so no wake_count check.
    // $1 id, $2 state, $3 result, $4 error, $5 previous_fence.
    private const string FinishFusedRow = """
        UPDATE currant.executions
        SET state = $2,
            result = $3,
            error = $4,
            completed_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() END,
            scheduled_at = now(),
            started_at = now(),
            activations = activations + 1,
            worker_id = NULL
        WHERE id = $1 AND state = 'suspended' AND activations = $5
        """;

    // Each returns the state it wrote (ReadFinish); the finishing ones the whole row as GetAsync reads it
    // (ExecutionQueries.ReadInfo), which the worker hands to waiters of its own client instead of their reading it.
    internal const string Finish = $"{FinishRow} RETURNING state";
    internal const string FinishFused = $"{FinishFusedRow} RETURNING state";
    internal const string FinishReturningRow = $"{FinishRow} RETURNING {ExecutionQueries.Columns}";
    internal const string FinishFusedReturningRow = $"{FinishFusedRow} RETURNING {ExecutionQueries.Columns}";

    // Workflow.SetTag: merged into the row's tags (a later value of a key replaces the earlier), before a
    // continuation copies them to the next run. $1 id, $2 tags.
    internal const string MergeTags = "UPDATE currant.executions SET tags = COALESCE(tags, '{}'::jsonb) || $2 WHERE id = $1";

    // The code read Workflow.CancellationToken: cancel_tree now records a request instead of ending it (db/0008). $1 id.
    internal const string MarkHandlesCancel = "UPDATE currant.executions SET handles_cancel = true WHERE id = $1 AND NOT handles_cancel";

    // Continue-as-new, after the fence locked the run and before Finish completes it (db/0008). Yields one row.
    // $1 id, $2 next id, $3 next arguments.
    internal const string ContinueAsNew = "SELECT currant.continue_as_new($1, $2, $3)";

    // A workflow that ended cancelled after its clean-up: what it started and left running is cancelled with it.
    // Runs after Finish, so the root is finished and only its live descendants change. $1 id, $2 reason.
    internal const string CancelChildren = "SELECT currant.cancel_tree($1, 'cancelled', $2)";

    /// <summary>The row of <see cref="Finish"/> or <see cref="FinishFused"/> (none when the fence rejected the activation).</summary>
    internal static string ReadFinish(NpgsqlDataReader r) => r.GetString(0);

    // WaitUntil(condition, timeout) whose condition was met first (history primary key): its timeout's step is
    // recorded as cancelled, with an arrival order like any outcome (replay skips it: nobody waits on that step).
    internal const string CancelWaitTimerSteps = $$"""
        UPDATE currant.history
        SET state = 'failed', completed_at = now(), completed_order = nextval('currant.history_order'),
            error = '{"type": "System.OperationCanceledException", "message": "Cancelled: the WaitUntil condition was met before the timeout.", "nonRetryable": true}'::jsonb
        WHERE workflow_id = @id AND seq = ANY(@timer_seqs) AND state = 'scheduled' AND kind = 'timer' AND name = '{{SharedNames.WaitUntilTimer}}'
        """;

    // Then its timer row (executions_parent_idx): cancelled, so it never fires. The child_finished trigger finds the
    // step no longer scheduled and wakes nobody.
    internal const string CancelWaitTimers = """
        UPDATE currant.executions SET state = 'cancelled', completed_at = now()
        WHERE parent_id = @id AND parent_seq = ANY(@timer_seqs) AND kind = 'timer' AND state = 'pending'
        """;

    // A finished workflow's pending timers (its own timeout, signal timeouts) are of no use any more.
    internal const string CancelTimers = """
        UPDATE currant.executions SET state = 'cancelled', completed_at = now()
        WHERE parent_id = @id AND kind = 'timer' AND state = 'pending'
        """;

    internal const string NotifyQueues = $"SELECT pg_notify('{SharedNames.PendingChannel}', q) FROM unnest(@queues::text[]) AS q";

    // Children not due yet (timers, delayed jobs): the earliest of each queue, as InsertChildren computes it (db/0004).
    internal const string NotifyDue = "SELECT currant.notify_due(q, now() + d) FROM unnest(@due_queues::text[], @due_delays::interval[]) AS t(q, d)";

    // Sent after the final commit (NotifyAfterCommit), in a transaction that does not wait for a flush. $1 id.
    internal const string NotifyFinished = $"SELECT {NotifyAfterCommit.NoFlushWait}, pg_notify('{SharedNames.FinishedChannel}', $1::text)";

    internal const string CancelTree = "SELECT currant.cancel_tree(@id, @state, @error::jsonb)";

    // A workflow whose commit conflicted goes back to the queue at once, without spending anything.
    internal const string Requeue = """
        UPDATE currant.executions SET state = 'pending', worker_id = NULL, scheduled_at = now()
        WHERE id = @id AND worker_id = @worker_id AND activations = @fence AND state = 'running'
        """;

    // executions_parked_idx: on start, a worker gives parked workflows of its queues another go (new code may fix them).
    internal const string ResumeParked = $$"""
        WITH resumed AS (
            UPDATE currant.executions SET state = 'pending', scheduled_at = now()
            WHERE state = 'suspended' AND error IS NOT NULL AND kind = 'workflow' AND queue = ANY(@queues)
              AND error->>'type' IN ('{{SharedNames.NondeterminismError}}', '{{SharedNames.WorkflowBlockedError}}')
            RETURNING queue
        )
        SELECT count(*) FROM resumed
        """;

    // A signal is stored (and wakes the workflow) only while the workflow can still consume it.
    internal const string Signal = $$"""
        WITH wf AS (
            SELECT id, kind, state FROM currant.executions WHERE id = COALESCE(currant.latest_run(@id), @id) FOR UPDATE
        ), stored AS (
            INSERT INTO currant.signals (workflow_id, name, payload)
            SELECT id, @name, @payload FROM wf WHERE kind = 'workflow' AND state IN ('pending', 'running', 'suspended')
            RETURNING id
        ), woken AS (
            UPDATE currant.executions e
            SET wake_count = e.wake_count + 1,
                scheduled_at = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN now() ELSE e.scheduled_at END,
                state = CASE WHEN e.state = 'suspended' AND e.error IS NULL THEN 'pending' ELSE e.state END
            FROM stored
            WHERE e.id = (SELECT id FROM wf)
            RETURNING e.queue, e.state
        )
        SELECT (SELECT kind FROM wf), (SELECT state FROM wf), (SELECT id FROM stored),
               (SELECT pg_notify('{{SharedNames.PendingChannel}}', queue) FROM woken WHERE state = 'pending'),
               (SELECT id FROM wf)
        """;

    /// <summary>The row of <see cref="Signal"/>: what happened, and the run of the chain that stored the signal.</summary>
    internal static (SignalOutcome Outcome, Guid? Run) ReadSignalOutcome(NpgsqlDataReader r)
    {
        if (r.IsDBNull(0))
        {
            return (SignalOutcome.NotFound, null);
        }

        if (r.GetString(0) != "workflow")
        {
            return (SignalOutcome.NotAWorkflow, null);
        }

        return r.IsDBNull(2) ? (SignalOutcome.Finished, null) : (SignalOutcome.Stored, r.GetGuid(4));
    }

    internal const string History = $"""
        SELECT h.seq, h.kind, h.name, h.state, h.child_id, h.result::text, h.error::text, h.created_at, h.completed_at,
               c.state, c.attempt
        FROM currant.history h LEFT JOIN currant.executions c ON c.id = h.child_id
        WHERE h.workflow_id = @id AND h.kind <> '{SharedNames.StartHistoryKind}' ORDER BY h.seq > 0 DESC, abs(h.seq)
        """;

    /// <summary>One row of <see cref="History"/>.</summary>
    internal static HistoryRow ReadHistoryRow(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetGuid(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        CurrantStore.DeserializeError(r.IsDBNull(6) ? null : r.GetString(6)),
        r.GetFieldValue<DateTimeOffset>(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetInt32(10));

    // Retry a failed (or parked) execution: one more attempt, from the top for jobs, by replay for workflows. A
    // job's claim counts the attempt; a workflow's claims count activations, so its attempt is counted here.
    internal const string Retry = $$"""
        UPDATE currant.executions
        SET state = 'pending', scheduled_at = now(), completed_at = NULL, worker_id = NULL, cancel_requested = false,
            max_attempts = GREATEST(max_attempts, attempt + 1),
            attempt = CASE WHEN kind = 'workflow' THEN attempt + 1 ELSE attempt END,
            error = CASE WHEN kind = 'workflow' THEN NULL ELSE error END
        WHERE id = @id AND (state = 'failed' OR (state = 'suspended' AND error IS NOT NULL))
        RETURNING pg_notify('{{SharedNames.PendingChannel}}', queue)
        """;
}
