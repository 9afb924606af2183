using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>The SQL for worker heartbeats and failover.</summary>
internal static class WorkerQueries
{
    // A row handed off at its insert and never claimed since (ExecutionQueries.InsertHandOff: the insert started it;
    // a claim sets started_at in a later transaction, and children are never handed off).
    private const string HandedOff = "(e.started_at = e.created_at AND e.parent_id IS NULL)";

    // Primary key upsert. Also returns every execution the database says this worker runs (executions_running_idx):
    // the ones someone asked to cancel, so a missed NOTIFY costs at most one heartbeat interval, and the ones the
    // worker may not know it holds (a claim that committed but whose reply never arrived) once they are older than
    // @orphan_after, so the worker can hand them back instead of leaving them running under a live heartbeat; a row
    // handed off at its insert (started then, no parent: ExecutionQueries.InsertHandOff) once older than
    // @handed_off_after, as only a NOTIFY can be in flight for it.
    // Each comes with its fence token (a workflow's activations, any other kind's attempt), as a hand-back needs it.
    internal const string Heartbeat = $$"""
        WITH beat AS (
            INSERT INTO currant.workers (id, hostname, pid, queues)
            VALUES (@id, @hostname, @pid, @queues)
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
            RETURNING id
        )
        SELECT e.id, CASE WHEN e.kind = 'workflow' THEN e.activations ELSE e.attempt END, e.cancel_requested, e.started_at < now() - o.after
        FROM currant.executions e
        CROSS JOIN LATERAL (SELECT CASE WHEN {{HandedOff}} THEN @handed_off_after ELSE @orphan_after END AS after) AS o
        WHERE e.worker_id = @id AND e.state = 'running' AND EXISTS (SELECT 1 FROM beat)
          AND (e.cancel_requested OR e.started_at < now() - o.after)
        """;

    /// <summary>One row of <see cref="Heartbeat"/>.</summary>
    internal static HeldExecution ReadHeld(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetInt32(1), r.GetBoolean(2), r.GetBoolean(3));

    internal const string Delete = "DELETE FROM currant.workers WHERE id = @id";

    // A job handed off at its insert and never claimed since: its worker may have died before the NOTIFY reached it, so
    // losing it does not count its attempt.
    private const string HandedOffUnclaimed = $"(e.kind = 'job' AND {HandedOff})";

    // Failover without a leader: any live worker runs this. An execution is lost when its worker has no fresh
    // heartbeat; the attempt it was on counts as failed (at-least-once), so it is retried while attempts remain
    // (except a handed-off job's, HandedOffUnclaimed).
    // A workflow or timer goes back to pending whatever its attempts: the lost activation or firing just runs again.
    // scheduled_at is kept: a rescued row was due long ago, so it goes ahead of the backlog, not behind it.
    // executions_running_idx keeps the scan to running rows.
    internal const string Rescue = $$"""
        WITH dead AS (
            DELETE FROM currant.workers WHERE heartbeat_at < now() - @timeout RETURNING id
        ), lost AS (
            SELECT e.id FROM currant.executions e
            WHERE e.state = 'running'
              AND e.started_at < now() - @timeout
              AND NOT EXISTS (SELECT 1 FROM currant.workers w WHERE w.id = e.worker_id AND w.heartbeat_at >= now() - @timeout)
            FOR UPDATE SKIP LOCKED
        ), rescued AS (
            UPDATE currant.executions e
            SET state = CASE WHEN e.kind IN ('workflow', 'timer') OR e.attempt < e.max_attempts OR {{HandedOffUnclaimed}} THEN 'pending' ELSE 'failed' END,
                completed_at = CASE WHEN e.kind IN ('workflow', 'timer') OR e.attempt < e.max_attempts OR {{HandedOffUnclaimed}} THEN NULL ELSE now() END,
                attempt = CASE WHEN {{HandedOffUnclaimed}} THEN e.attempt - 1 ELSE e.attempt END,
                error = jsonb_build_object('type', '{{SharedNames.WorkerLostError}}',
                                           'message', 'The worker running ' || CASE WHEN e.kind = 'workflow' THEN 'activation ' || e.activations ELSE 'attempt ' || e.attempt END
                                                      || ' stopped sending heartbeats.',
                                           'nonRetryable', false),
                worker_id = NULL
            FROM lost
            WHERE e.id = lost.id
            RETURNING e.id, e.state, e.queue
        ), notified AS (
            SELECT pg_notify('{{SharedNames.PendingChannel}}', queue) FROM (SELECT DISTINCT queue FROM rescued WHERE state = 'pending') q
        )
        SELECT (SELECT count(*) FROM rescued), (SELECT count(*) FROM notified), (SELECT count(*) FROM dead)
        """;

    // Sent first in the batch of a claim or heartbeat, so it holds for that one implicit transaction: its commit does
    // not wait for the WAL flush (losing a claim or heartbeat in a database crash is harmless, see CurrantStore), and
    // a prepared claim runs its generic plan instead of being re-planned every time (PostgreSQL kept choosing custom
    // plans for the claim: 0.3 ms of planning against 0.15 ms of execution for a one-row claim; the generic plan is
    // the same index scan). Per transaction rather than a `-c` startup option, which PgBouncer refuses (08P01).
    internal const string RelaxedTransaction =
        "SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)";

    // RelaxedTransaction for a claim, plus a transaction-scoped advisory lock per limited queue of the claim (queues
    // primary key; in the order of the lock keys, so two claims never deadlock), and whether any control applies to
    // the claim (a paused or limited queue among @queues, or any job with a per-key limit): the producer then sends the
    // limited claim (ExecutionQueries.ClaimLimited) instead of the plain one. Sent as its own statement before the
    // claim in the same batch (one implicit transaction): the claim statement takes its snapshot after the locks are
    // granted, so it counts every running row that a claim committed before it (db/0011_operations.sql).
    internal const string ClaimTransaction = $$"""
        SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true),
               (SELECT count(*) FROM (
                    SELECT pg_advisory_xact_lock(k) FROM (
                        SELECT hashtextextended('currant.queue:' || name, 0) AS k FROM currant.queues
                        WHERE name = ANY(@queues::text[]) AND max_concurrency IS NOT NULL
                        UNION
                        SELECT hashtextextended('currant.keys', 0) WHERE EXISTS (SELECT 1 FROM currant.definitions WHERE concurrency_max IS NOT NULL)
                        ORDER BY 1) AS keys) AS locks),
               {{ControlsApply}}
        """;

    // worker_slots primary key (db/0017): this worker has a slot free and its queues are drained, so the next single
    // enqueue due now for them may hand its row straight here (ExecutionQueries.InsertHandOff). Nothing while the
    // worker's row is gone (the rescuer took it for dead): the heartbeat writes it again first.
    internal const string Advertise = $"{SlotRow} ON CONFLICT (worker_id) DO UPDATE SET ready = true, queues = excluded.queues, fresh_for = excluded.fresh_for";

    // Sent with every claim while the producer believes its slot advertised: puts the row back if it is gone (the
    // rescuer deleted the worker's row while its heartbeat was late, and the heartbeat wrote it again); leaves an
    // existing row alone (an enqueue may have just taken it).
    internal const string KeepSlot = $"{SlotRow} ON CONFLICT (worker_id) DO NOTHING";

    private const string SlotRow = """
        INSERT INTO currant.worker_slots (worker_id, queues, ready, fresh_for)
        SELECT @worker_id, @queues, true, @fresh_for WHERE EXISTS (SELECT 1 FROM currant.workers WHERE id = @worker_id)
        """;

    // worker_slots primary key: takes the advertised slot back. The row's lock waits for an enqueue taking it to
    // commit; the old `ready` says which won: true, the slot is back; false, a row was handed here (its NOTIFY is on
    // the way); no row, nothing was advertised.
    internal const string Withdraw = """
        UPDATE currant.worker_slots s SET ready = false
        FROM (SELECT worker_id, ready FROM currant.worker_slots WHERE worker_id = @worker_id FOR UPDATE) AS old
        WHERE s.worker_id = old.worker_id
        RETURNING old.ready
        """;

    // True when a queue control or a per-key limit applies to a claim of @queues (queues primary key; definitions is
    // one row per job and workflow name). ExecutionQueries.Claim runs only while this is false.
    internal const string ControlsApply = """
        (EXISTS (SELECT 1 FROM currant.queues WHERE name = ANY(@queues::text[]) AND (paused OR max_concurrency IS NOT NULL))
         OR EXISTS (SELECT 1 FROM currant.definitions WHERE concurrency_max IS NOT NULL))
        """;

    // definitions primary key (db/0011): the jobs and workflows this worker knows, with the settings the .NET client
    // would enqueue them with, so currant.enqueue() in SQL can check and complete a call by name.
    internal const string RegisterDefinitions = """
        INSERT INTO currant.definitions AS d (name, kind, queue, priority, max_attempts, timeout_ms, parameters, concurrency_arg, concurrency_max)
        SELECT t.name, t.kind, t.queue, t.priority, t.max_attempts, t.timeout_ms, ARRAY(SELECT jsonb_array_elements_text(t.parameters)),
               t.concurrency_arg, t.concurrency_max
        FROM unnest(@names::text[], @kinds::text[], @queues::text[], @priorities::int[], @max_attempts::int[], @timeouts::int[], @parameters::jsonb[],
                    @concurrency_args::int[], @concurrency_maxes::int[])
            AS t(name, kind, queue, priority, max_attempts, timeout_ms, parameters, concurrency_arg, concurrency_max)
        ON CONFLICT (name) DO UPDATE
        SET kind = excluded.kind, queue = excluded.queue, priority = excluded.priority, max_attempts = excluded.max_attempts,
            timeout_ms = excluded.timeout_ms, parameters = excluded.parameters, concurrency_arg = excluded.concurrency_arg,
            concurrency_max = excluded.concurrency_max, updated_at = now()
        WHERE (d.kind, d.queue, d.priority, d.max_attempts, d.timeout_ms, d.parameters, d.concurrency_arg, d.concurrency_max)
              IS DISTINCT FROM (excluded.kind, excluded.queue, excluded.priority, excluded.max_attempts, excluded.timeout_ms, excluded.parameters,
                                excluded.concurrency_arg, excluded.concurrency_max)
        """;

    // The database health check: proves a pooled connection opens and the server answers.
    internal const string Ping = "SELECT 1";

    // Two statements because a query naming a missing table fails at parse time, whatever CASE guards it.
    internal const string SchemaExists = "SELECT to_regclass('currant.migrations') IS NOT NULL";

    internal const string SchemaVersion = "SELECT COALESCE(max(version), 0) FROM currant.migrations";
}
