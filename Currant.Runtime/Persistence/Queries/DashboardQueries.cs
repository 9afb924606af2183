using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>
/// The SQL of the dashboard (Currant.Dashboard). Every query is bounded: a page reads at most its LIMIT of rows from an
/// index, and counts stop at a cap (riverui's lesson: an exact count of millions of rows times out a page).
/// </summary>
internal static class DashboardQueries
{
    // The optional filters of the executions page, shared by the page, its capped count and the bulk actions.
    // Parameters are bound before planning (Npgsql's unnamed statements), so each `@x IS NULL OR …` folds away and the
    // planner sees only the filters given. A time range is an id range: ids are UUIDv7, time-ordered
    // (ExecutionIds.Floor). Timers are the engine's own rows: shown only when asked for by kind.
    private const string Filter = """
        (@kind::text IS NULL OR kind = @kind)
          AND (@kind::text IS NOT NULL OR kind <> 'timer')
          AND (@name::text IS NULL OR name = @name)
          AND (@state::text IS NULL OR state = @state)
          AND (NOT @parked OR (state = 'suspended' AND error IS NOT NULL))
          AND (@queue::text IS NULL OR queue = @queue)
          AND (@from_id::uuid IS NULL OR id >= @from_id)
          AND (@to_id::uuid IS NULL OR id < @to_id)
          AND (@id::uuid IS NULL OR id = @id)
          AND (@key::text IS NULL OR idempotency_key = @key)
          AND (@tags::jsonb IS NULL OR tags @> @tags)
        """;

    // Pending and running rows are not in executions_name_idx and executions_queue_idx (db/0016): a claim and a
    // completion are not HOT updates, so every full index takes an entry at each, and those two halved the jobs
    // throughput (docs/benchmarks.md). So a page and its count read three parts apart and merge them: the settled rows
    // (finished or suspended) through those indexes or the others below, the pending ones through
    // executions_claim_idx and the running ones through executions_running_idx (at most the backlog and the workers'
    // slots). A part the state filter rules out folds to a one-time false (the parameters are bound before planning).
    private const string Settled = "state NOT IN ('pending', 'running') AND (@state::text IS NULL OR @state NOT IN ('pending', 'running'))";
    private const string Pending = "state = 'pending' AND (@state::text IS NULL OR @state = 'pending') AND NOT @parked";
    private const string Running = "state = 'running' AND (@state::text IS NULL OR @state = 'running') AND NOT @parked";

    private const string PageRows = $"""
        SELECT {ExecutionQueries.Columns} FROM currant.executions
        WHERE {Filter} AND (@before::uuid IS NULL OR id < @before) AND
        """;

    // Keyset paging, newest first: the primary key walked backwards from the cursor (@before, the last id of the
    // previous page), executions_name_idx for a name, the claim/running/parked/failed partial indexes for a state,
    // executions_idempotency_key_idx for a key, executions_queue_idx (db/0014) for a queue, executions_tags_idx (GIN)
    // for tags. Never OFFSET.
    internal const string Page = $"""
        SELECT * FROM (
            ({PageRows} {Settled} ORDER BY id DESC LIMIT @limit)
            UNION ALL
            ({PageRows} {Pending} ORDER BY id DESC LIMIT @limit)
            UNION ALL
            ({PageRows} {Running} ORDER BY id DESC LIMIT @limit)
        ) AS page
        ORDER BY id DESC
        LIMIT @limit
        """;

    private const string CountRows = $"SELECT 1 FROM currant.executions WHERE {Filter} AND";

    // The same filter, counted up to @cap rows at most: the page says "10,000+" rather than scanning millions.
    internal const string CappedCount = $"""
        SELECT LEAST(@cap, (SELECT count(*) FROM ({CountRows} {Settled} LIMIT @cap) AS s)
                         + (SELECT count(*) FROM ({CountRows} {Pending} LIMIT @cap) AS p)
                         + (SELECT count(*) FROM ({CountRows} {Running} LIMIT @cap) AS r))
        """;

    // The targets of a bulk cancel (@active) or retry (failed or parked), newest first, at most @cap per action.
    internal const string BulkTargets = $"""
        SELECT id FROM currant.executions
        WHERE {Filter}
          AND CASE WHEN @active THEN state IN ('pending', 'running', 'suspended')
                   ELSE state = 'failed' OR (state = 'suspended' AND error IS NOT NULL) END
        ORDER BY id DESC
        LIMIT @cap
        """;

    // The overview's and the queues page's start: the queues with pending rows, by a skip scan of executions_claim_idx
    // (one index probe per queue, not one per row), and the running rows per queue (executions_running_queue_idx).
    private const string QueuesWithWork = """
        WITH RECURSIVE pending_queues AS (
            (SELECT queue FROM currant.executions WHERE state = 'pending' ORDER BY queue LIMIT 1)
            UNION ALL
            SELECT (SELECT e.queue FROM currant.executions e WHERE e.state = 'pending' AND e.queue > p.queue ORDER BY e.queue LIMIT 1)
            FROM pending_queues p WHERE p.queue IS NOT NULL
        ), running AS (
            SELECT queue, count(*) AS n FROM currant.executions WHERE state = 'running' GROUP BY queue
        )
        """;

    // One row per queue that has pending or running work, a worker, or finished work in the last hour.
    // * pending queues: a skip scan of executions_claim_idx (one index probe per queue, not one per row);
    // * pending: counted up to @cap (executions_claim_idx); oldest: the earliest due pending row of the queue;
    // * running: executions_running_idx (the running rows are at most the workers' slots);
    // * last hour: executions_finished_idx, range on completed_at.
    internal const string Queues = $"""
        {QueuesWithWork}, hour AS (
            SELECT queue, count(*) FILTER (WHERE state = 'completed') AS completed, count(*) FILTER (WHERE state = 'failed') AS failed
            FROM currant.executions
            WHERE state IN ('completed', 'failed', 'cancelled') AND completed_at > now() - interval '1 hour' AND kind <> 'timer'
            GROUP BY queue
        ), queues AS (
            SELECT queue FROM pending_queues WHERE queue IS NOT NULL
            UNION SELECT queue FROM running
            UNION SELECT queue FROM hour
            UNION SELECT unnest(queues) FROM currant.workers
        )
        SELECT q.queue,
               (SELECT count(*) FROM (SELECT 1 FROM currant.executions e WHERE e.state = 'pending' AND e.queue = q.queue LIMIT @cap) c),
               COALESCE(r.n, 0),
               (SELECT now() - min(e.scheduled_at) FROM currant.executions e WHERE e.state = 'pending' AND e.queue = q.queue AND e.scheduled_at <= now()),
               COALESCE(h.completed, 0),
               COALESCE(h.failed, 0)
        FROM queues q
        LEFT JOIN running r ON r.queue = q.queue
        LEFT JOIN hour h ON h.queue = q.queue
        ORDER BY q.queue
        """;

    /// <summary>One row of <see cref="Queues"/>.</summary>
    internal static QueueSummary ReadQueue(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetTimeSpan(3), r.GetInt64(4), r.GetInt64(5));

    // The workers table is one row per live (or recently dead) worker process: small. Running counts by
    // executions_running_idx (worker_id).
    internal const string Workers = """
        SELECT w.id, w.hostname, w.pid, w.queues, w.started_at, w.heartbeat_at, now() - w.heartbeat_at,
               (SELECT count(*) FROM currant.executions e WHERE e.worker_id = w.id AND e.state = 'running')
        FROM currant.workers w
        ORDER BY w.started_at, w.id
        """;

    /// <summary>One row of <see cref="Workers"/>.</summary>
    internal static WorkerSummary ReadWorker(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetInt32(2), r.GetFieldValue<string[]>(3), r.GetFieldValue<DateTimeOffset>(4),
        r.GetFieldValue<DateTimeOffset>(5), r.GetTimeSpan(6), r.GetInt64(7));

    // Primary key: the execution with what the detail page shows beyond ExecutionInfo.
    internal const string Detail = $"""
        SELECT {ExecutionQueries.Columns}, trace_context, timeout_ms, parent_seq
        FROM currant.executions WHERE id = @id
        """;

    /// <summary>The row of <see cref="Detail"/>.</summary>
    internal static ExecutionDetail ReadDetail(NpgsqlDataReader r) => new(
        ExecutionQueries.ReadInfo(r),
        r.IsDBNull(20) ? null : r.GetString(20),
        r.IsDBNull(21) ? null : TimeSpan.FromMilliseconds(r.GetInt32(21)),
        r.IsDBNull(22) ? null : r.GetInt32(22));

    // executions_parent_idx: what a workflow started (activities, children, timers), in the order it called them.
    internal const string Children = $"""
        SELECT {ExecutionQueries.Columns} FROM currant.executions
        WHERE parent_id = @id
        ORDER BY parent_seq, id
        LIMIT @limit
        """;

    // signals_workflow_idx (db/0012): every signal a workflow received, consumed or waiting, in arrival order.
    internal const string Signals = """
        SELECT id, name, payload::text, created_at, consumed_seq
        FROM currant.signals WHERE workflow_id = @id
        ORDER BY id
        LIMIT @limit
        """;

    /// <summary>One row of <see cref="Signals"/>.</summary>
    internal static SignalRecord ReadSignal(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetInt32(4));

    // The audit trail: appended by every dashboard action, whatever its outcome.
    internal const string RecordAction = """
        INSERT INTO currant.dashboard_actions (actor, action, execution_id, detail, outcome)
        VALUES (@actor, @action, @execution_id, @detail, @outcome)
        RETURNING id
        """;

    // dashboard_actions primary key, newest first, keyset paged like the executions.
    internal const string Actions = """
        SELECT id, at, actor, action, execution_id, detail, outcome FROM currant.dashboard_actions
        WHERE (@before::bigint IS NULL OR id < @before)
        ORDER BY id DESC
        LIMIT @limit
        """;

    /// <summary>One row of <see cref="Actions"/>.</summary>
    internal static DashboardAction ReadAction(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetGuid(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6));

    // The queues page: every queue with a setting (currant.queues), pending or running work, or a worker; its
    // pause and limit, pending (counted up to @cap through executions_claim_idx, found by the overview's skip scan)
    // and running (executions_running_queue_idx, db/0011). Unlike QueueQueries.List (the CLI's), no count is exact
    // past the cap, so a backlog of millions costs the page nothing.
    internal const string QueueControls = $"""
        {QueuesWithWork}, queues AS (
            SELECT queue FROM pending_queues WHERE queue IS NOT NULL
            UNION SELECT queue FROM running
            UNION SELECT name FROM currant.queues
            UNION SELECT unnest(queues) FROM currant.workers
        )
        SELECT q.queue, COALESCE(c.paused, false), c.max_concurrency,
               (SELECT count(*) FROM (SELECT 1 FROM currant.executions e WHERE e.state = 'pending' AND e.queue = q.queue LIMIT @cap) x),
               COALESCE(r.n, 0), c.updated_at
        FROM queues q
        LEFT JOIN currant.queues c ON c.name = q.queue
        LEFT JOIN running r ON r.queue = q.queue
        ORDER BY q.queue
        """;

    /// <summary>One row of <see cref="QueueControls"/>.</summary>
    internal static QueueControl ReadQueueControl(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetBoolean(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetInt64(3), r.GetInt64(4),
        r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5));

    // A schedule's recent runs, newest first: executions_schedule_runs_idx (db/0014: (name, id) of the rows whose key
    // starts with 'schedule:', the predicate written exactly as there), walked backwards from the newest scheduled run
    // of the schedule's target, reading at most 1,000 index entries (the inner LIMIT: the planner cannot estimate the
    // key patterns, so they stay outside it and never steer it to read every run and sort). The key names the schedule
    // (ScheduleNames.RunKey: `schedule:<name>:<fire time>`, a trigger `schedule:<name>:trigger:<id>`); the pattern
    // after the prefix keeps schedule 'a' from listing the runs of schedule 'a:b'. So the page shows this schedule's
    // runs among its target's newest 1,000 scheduled runs (all of them unless several schedules share one target).
    internal const string ScheduleRuns = $$"""
        SELECT {{ExecutionQueries.Columns}} FROM (
            SELECT * FROM currant.executions
            WHERE name = @target AND left(idempotency_key, 9) = 'schedule:'
            ORDER BY id DESC
            LIMIT 1000
        ) AS runs
        WHERE left(idempotency_key, length(@prefix)) = @prefix
          AND substr(idempotency_key, length(@prefix) + 1) ~ '^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z|trigger:[0-9a-f-]{36})$'
        ORDER BY id DESC
        LIMIT @limit
        """;

    // Primary keys: what an execution's detail page shows changing (its state, attempt, cancel request and times, its
    // history's steps and their outcomes, the signals it received), as one string. The page's script compares it on
    // each server-sent event and reloads only when it differs.
    internal const string ExecutionVersion = """
        SELECT concat_ws('|', e.state, e.attempt, e.cancel_requested, e.activations, e.scheduled_at, e.started_at, e.completed_at,
                         (SELECT count(*) || '.' || count(h.completed_at) FROM currant.history h WHERE h.workflow_id = e.id),
                         (SELECT max(s.id) || '.' || count(s.consumed_seq) FROM currant.signals s WHERE s.workflow_id = e.id))
        FROM currant.executions e WHERE e.id = @id
        """;
}
