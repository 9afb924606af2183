using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>The SQL for the schedules table (db/0010). Each query names the index it relies on.</summary>
internal static class ScheduleQueries
{
    private const string Columns = """
        s.name, s.target, s.kind, s.queue, s.args::text, s.cron, s.time_zone, s.overlap, s.catch_up, s.catch_up_window_ms,
        s.source, s.paused, s.next_run_at, s.last_run_at, s.last_execution_id, s.buffered_at, s.created_at, s.updated_at
        """;

    /// <summary>One row of <see cref="Columns"/>.</summary>
    internal static ScheduleInfo ReadInfo(NpgsqlDataReader r) => new()
    {
        Name = r.GetString(0),
        Target = r.GetString(1),
        Kind = StateNames.ParseKind(r.GetString(2)),
        Queue = r.GetString(3),
        ArgumentsJson = r.GetString(4),
        Spec = new ScheduleSpec(r.GetString(5))
        {
            TimeZone = r.GetString(6),
            Overlap = ScheduleNames.ParseOverlap(r.GetString(7)),
            CatchUp = ScheduleNames.ParseCatchUp(r.GetString(8)),
            CatchUpWindow = r.IsDBNull(9) ? null : TimeSpan.FromMilliseconds(r.GetInt64(9)),
        },
        FromAttribute = r.GetString(10) == ScheduleNames.AttributeSource,
        Paused = r.GetBoolean(11),
        NextRunAt = r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
        LastRunAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        LastExecutionId = r.IsDBNull(14) ? null : r.GetGuid(14),
        BufferedAt = r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(16),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(17),
    };

    // Primary key. Ordered for the command line.
    internal const string List = $"SELECT {Columns} FROM currant.schedules s ORDER BY s.name";

    // Primary key.
    internal const string Get = $"SELECT {Columns} FROM currant.schedules s WHERE s.name = @name";

    // The database's clock: fire times are computed against it, never against a worker's.
    internal const string Now = "SELECT now()";

    // Primary key upsert. A changed expression or time zone takes the next_run_at computed for it; otherwise the
    // stored one stays, so a worker restart neither skips nor repeats a fire time. Paused, the last run and a buffered
    // fire time survive every upsert: an operator's pause outlives a deploy.
    internal const string Upsert = $"""
        INSERT INTO currant.schedules AS s
            (name, target, kind, queue, priority, args, max_attempts, timeout_ms, cron, time_zone, overlap, catch_up,
             catch_up_window_ms, source, next_run_at, retry_policy, heartbeat_timeout_ms, tags)
        VALUES (@name, @target, @kind, @queue, @priority, @args, @max_attempts, @timeout_ms, @cron, @time_zone, @overlap,
                @catch_up, @catch_up_window_ms, @source, @next_run_at, @retry_policy, @heartbeat_timeout_ms, @tags)
        ON CONFLICT (name) DO UPDATE SET
            target = EXCLUDED.target, kind = EXCLUDED.kind, queue = EXCLUDED.queue, priority = EXCLUDED.priority,
            args = EXCLUDED.args, max_attempts = EXCLUDED.max_attempts, timeout_ms = EXCLUDED.timeout_ms,
            overlap = EXCLUDED.overlap, catch_up = EXCLUDED.catch_up, catch_up_window_ms = EXCLUDED.catch_up_window_ms,
            source = EXCLUDED.source, retry_policy = EXCLUDED.retry_policy,
            heartbeat_timeout_ms = EXCLUDED.heartbeat_timeout_ms, tags = EXCLUDED.tags,
            next_run_at = CASE WHEN (s.cron, s.time_zone) IS DISTINCT FROM (EXCLUDED.cron, EXCLUDED.time_zone)
                               THEN EXCLUDED.next_run_at ELSE s.next_run_at END,
            cron = EXCLUDED.cron, time_zone = EXCLUDED.time_zone,
            updated_at = CASE WHEN (s.target, s.kind, s.queue, s.priority, s.args, s.max_attempts, s.timeout_ms, s.cron,
                                    s.time_zone, s.overlap, s.catch_up, s.catch_up_window_ms, s.source, s.retry_policy,
                                    s.heartbeat_timeout_ms, s.tags)
                                   IS DISTINCT FROM
                                   (EXCLUDED.target, EXCLUDED.kind, EXCLUDED.queue, EXCLUDED.priority, EXCLUDED.args,
                                    EXCLUDED.max_attempts, EXCLUDED.timeout_ms, EXCLUDED.cron, EXCLUDED.time_zone,
                                    EXCLUDED.overlap, EXCLUDED.catch_up, EXCLUDED.catch_up_window_ms, EXCLUDED.source,
                                    EXCLUDED.retry_policy, EXCLUDED.heartbeat_timeout_ms, EXCLUDED.tags)
                              THEN now() ELSE s.updated_at END
        RETURNING {Columns}
        """;

    // Workers of the queue re-arm their scheduler's alarm (db/0004's channel; the producer wakes too, harmlessly).
    internal const string NotifyDue = "SELECT currant.notify_due(@queue, @due)";

    // The attribute schedules of a worker's queues that its code no longer declares.
    internal const string DeleteUndeclared = """
        DELETE FROM currant.schedules
        WHERE source = 'attribute' AND queue = ANY(@queues) AND name <> ALL(@declared)
        RETURNING name
        """;

    // Primary key. The row lock orders a pause against a scheduler pass that holds the row.
    internal const string Pause = "UPDATE currant.schedules SET paused = true, updated_at = now() WHERE name = @name RETURNING queue";

    // Primary key. Fire times that passed while paused are not caught up: next_run_at starts again from now.
    internal const string Resume = """
        UPDATE currant.schedules SET paused = false, next_run_at = @next_run_at, buffered_at = NULL, updated_at = now()
        WHERE name = @name RETURNING queue
        """;

    // Primary key; locks the row so a trigger and a pass never both take last_execution_id.
    internal const string LockForTrigger = """
        SELECT target, kind, queue, priority, args::text, max_attempts, timeout_ms, retry_policy::text, heartbeat_timeout_ms, tags::text
        FROM currant.schedules
        WHERE name = @name FOR UPDATE
        """;

    internal const string Delete = "DELETE FROM currant.schedules WHERE name = @name";

    // The next due time of a worker's queues (schedules_due_idx, one probe per queue) and whether any fire time is
    // buffered (schedules_buffered_idx). The delay is the database's, so the worker's clock never matters.
    internal const string NextDue = """
        SELECT (SELECT min(d.next_run_at) - now() FROM unnest(@queues::text[]) AS q(queue)
                CROSS JOIN LATERAL (SELECT s.next_run_at FROM currant.schedules s
                                    WHERE s.queue = q.queue AND NOT s.paused AND s.next_run_at IS NOT NULL
                                    ORDER BY s.next_run_at LIMIT 1) d),
               EXISTS (SELECT 1 FROM currant.schedules s WHERE s.queue = ANY(@queues) AND s.buffered_at IS NOT NULL AND NOT s.paused)
        """;

    // The due schedules of a worker's queues, locked; a schedule another worker is firing is skipped (it commits
    // or rolls back, and the next pass sees which). Under READ COMMITTED the lock re-reads a row another worker
    // updated meanwhile and re-checks `next_run_at <= now()` against the new value, so a fire time handled by a
    // committed pass is never seen as due again. previous_active feeds the overlap policy.
    internal const string LockDue = """
        SELECT s.name, s.target, s.kind, s.queue, s.priority, s.args::text, s.max_attempts, s.timeout_ms, s.cron,
               s.time_zone, s.overlap, s.catch_up, s.catch_up_window_ms, s.next_run_at, s.buffered_at, s.last_run_at,
               s.last_execution_id,
               EXISTS (SELECT 1 FROM currant.executions e WHERE e.id = s.last_execution_id
                       AND e.state IN ('pending', 'running', 'suspended')),
               now(), s.retry_policy::text, s.heartbeat_timeout_ms, s.tags::text
        FROM currant.schedules s
        WHERE s.queue = ANY(@queues) AND NOT s.paused
          AND (s.next_run_at <= now() OR s.buffered_at IS NOT NULL)
        ORDER BY s.next_run_at NULLS LAST
        LIMIT @limit
        FOR UPDATE OF s SKIP LOCKED
        """;

    /// <summary>One row of <see cref="LockDue"/>.</summary>
    internal static DueSchedule ReadDue(NpgsqlDataReader r) => new(
        Name: r.GetString(0),
        Template: ReadTemplate(r, 1, 19),
        Cron: r.GetString(8),
        TimeZone: r.GetString(9),
        Overlap: ScheduleNames.ParseOverlap(r.GetString(10)),
        CatchUp: ScheduleNames.ParseCatchUp(r.GetString(11)),
        CatchUpWindow: r.IsDBNull(12) ? null : TimeSpan.FromMilliseconds(r.GetInt64(12)),
        NextRunAt: r.IsDBNull(13) ? null : r.GetFieldValue<DateTime>(13),
        BufferedAt: r.IsDBNull(14) ? null : r.GetFieldValue<DateTime>(14),
        LastRunAt: r.IsDBNull(15) ? null : r.GetFieldValue<DateTime>(15),
        LastExecutionId: r.IsDBNull(16) ? null : r.GetGuid(16),
        PreviousActive: r.GetBoolean(17),
        Now: r.GetFieldValue<DateTime>(18));

    /// <summary>
    /// target, kind, queue, priority, args, max_attempts, timeout_ms from column <paramref name="first"/> on;
    /// retry_policy, heartbeat_timeout_ms, tags from column <paramref name="more"/> on.
    /// </summary>
    internal static ScheduleTemplate ReadTemplate(NpgsqlDataReader r, int first, int more) => new(
        Target: r.GetString(first),
        Kind: StateNames.ParseKind(r.GetString(first + 1)),
        Queue: r.GetString(first + 2),
        Priority: r.GetInt32(first + 3),
        ArgumentsJson: r.GetString(first + 4),
        MaxAttempts: r.GetInt32(first + 5),
        TimeoutMs: r.IsDBNull(first + 6) ? null : r.GetInt32(first + 6),
        RetryPolicy: r.IsDBNull(more) ? null : r.GetString(more),
        HeartbeatTimeoutMs: r.IsDBNull(more + 1) ? null : r.GetInt32(more + 1),
        Tags: r.IsDBNull(more + 2) ? null : r.GetString(more + 2));

    // Primary key: what a pass decided for one schedule.
    internal const string Advance = """
        UPDATE currant.schedules
        SET next_run_at = @next_run_at, buffered_at = @buffered_at, last_run_at = @last_run_at,
            last_execution_id = @last_execution_id
        WHERE name = @name
        """;

    // $1 queue: the new runs are due now.
    internal const string NotifyPending = ExecutionQueries.NotifyPending;

    // Primary key: a trigger's run becomes the one the overlap policy looks at.
    internal const string RecordTrigger = "UPDATE currant.schedules SET last_execution_id = @id WHERE name = @name";
}
