using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>The SQL for queue controls (db/0011): pause, resume and a concurrency limit across all workers.</summary>
internal static class QueueQueries
{
    // queues primary key. Resuming or raising a limit wakes the queue's workers (currant_pending), which otherwise
    // would find out at their next poll. NULL leaves a setting as it is: @paused, @max_concurrency (0 = unlimited).
    internal const string Update = $$"""
        WITH upserted AS (
            INSERT INTO currant.queues AS q (name, paused, max_concurrency)
            VALUES (@name, COALESCE(@paused, false), NULLIF(@max_concurrency, 0))
            ON CONFLICT (name) DO UPDATE
            SET paused = COALESCE(@paused, q.paused),
                max_concurrency = CASE WHEN @max_concurrency IS NULL THEN q.max_concurrency ELSE NULLIF(@max_concurrency, 0) END,
                updated_at = now()
            RETURNING name, paused
        )
        SELECT name, paused, (SELECT pg_notify('{{SharedNames.PendingChannel}}', name) FROM upserted WHERE NOT paused) IS NULL
        FROM upserted
        """;

    // The queues an operator has set, and every queue with pending or running work (executions_claim_idx and
    // executions_running_idx cover the two states; a large backlog makes this an operator's query, not a hot one).
    internal const string List = """
        WITH work AS (
            SELECT queue, count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'running') AS running
            FROM currant.executions
            WHERE state IN ('pending', 'running')
            GROUP BY queue
        )
        SELECT COALESCE(q.name, w.queue), COALESCE(q.paused, false), q.max_concurrency, COALESCE(w.pending, 0), COALESCE(w.running, 0)
        FROM currant.queues q
        FULL JOIN work w ON w.queue = q.name
        ORDER BY 1
        """;

    /// <summary>One row of <see cref="List"/>.</summary>
    internal static QueueInfo ReadQueue(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetBoolean(1),
        r.IsDBNull(2) ? null : r.GetInt32(2),
        r.GetInt64(3),
        r.GetInt64(4));
}
