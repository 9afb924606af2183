using Currant.Workflows;
using Npgsql;

namespace Currant.Persistence.Queries;

/// <summary>The SQL of [Signal], [Query] and [Update] handlers (db/0007): what callers send and what activations write.</summary>
internal static class InteractionQueries
{
    // updates_requested_idx: what an activation hands to the validators, in arrival order.
    internal const string LoadUpdates = """
        SELECT update_id, name, args::text, created_at FROM currant.updates
        WHERE workflow_id = @id AND state = 'requested' ORDER BY arrival
        """;

    /// <summary>One row of <see cref="LoadUpdates"/>.</summary>
    internal static PendingUpdate ReadPendingUpdate(NpgsqlDataReader r)
        => new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTime>(3));

    // An update is stored (and wakes the workflow, like a signal) only while the workflow runs; the same update id
    // finds the row already there (ON CONFLICT: the caller then reads that row's outcome). The id may name any run of
    // a continue-as-new chain (currant.run_chain, db/0015): a new update goes to the chain's last run, and an update
    // id already used on a run of the chain finds that row. Returns the last run's kind and state, and whether this
    // call stored the row.
    internal const string RequestUpdate = """
        WITH wf AS (
            SELECT id, kind, state FROM currant.executions WHERE id = COALESCE(currant.latest_run(@id), @id) FOR UPDATE
        ), earlier AS (
            SELECT 1 FROM currant.updates u WHERE u.update_id = @update_id AND u.workflow_id IN (SELECT c.id FROM currant.run_chain(@id) c)
        ), stored AS (
            INSERT INTO currant.updates (workflow_id, update_id, key, name, args)
            SELECT id, @update_id, @key, @name, @args FROM wf
            WHERE kind = 'workflow' AND state IN ('pending', 'running', 'suspended') AND NOT EXISTS (SELECT 1 FROM earlier)
            ON CONFLICT (workflow_id, update_id) DO NOTHING
            RETURNING workflow_id
        )
        SELECT (SELECT kind FROM wf), (SELECT state FROM wf), (SELECT count(*) FROM stored) > 0,
               (SELECT count(currant.wake_for_message(workflow_id)) FROM stored)
        """;

    // updates primary key per run of the chain (currant.run_chain), executions primary key: the update's row and
    // the state of the run that holds it, read together so a workflow that ended before taking the update is told
    // apart from one still busy. The row is on whichever run of the chain starting at @id took it (the last one it
    // was carried to, db/0015).
    internal const string ReadUpdate = """
        SELECT u.key, u.name, u.state, u.result::text, u.error::text, e.state
        FROM currant.run_chain(@id) c
        JOIN currant.updates u ON u.workflow_id = c.id AND u.update_id = @update_id
        JOIN currant.executions e ON e.id = u.workflow_id
        ORDER BY c.depth DESC
        LIMIT 1
        """;

    /// <summary>One row of <see cref="ReadUpdate"/>.</summary>
    internal static UpdateRow ReadUpdateRow(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5));

    // Part of an activation's commit (fenced with it): each update moves forward only (a replayed completion finds it
    // completed already and writes nothing); a final state tells the caller. Yields one result set.
    internal const string ApplyUpdates = $$"""
        WITH t AS (
            SELECT * FROM unnest(@update_ids::text[], @update_states::text[], @update_seqs::int[], @update_results::jsonb[], @update_errors::jsonb[])
                AS t(update_id, state, seq, result, error)
        ), changed AS (
            UPDATE currant.updates u
            SET state = t.state, seq = COALESCE(t.seq, u.seq), result = t.result, error = t.error,
                completed_at = CASE WHEN t.state IN ('completed', 'failed', 'rejected') THEN now() END
            FROM t
            WHERE u.workflow_id = @id AND u.update_id = t.update_id
              AND u.state NOT IN ('completed', 'failed', 'rejected') AND NOT (u.state = 'accepted' AND t.state = 'accepted')
            RETURNING u.key, u.state
        )
        SELECT pg_notify('{{SharedNames.FinishedChannel}}', key::text) FROM changed WHERE state IN ('completed', 'failed', 'rejected')
        """;

    // Part of an activation's commit: signals workflow code sent to other workflows, stored and waking them as
    // client signals do (only while the target can still consume them; an id that names a run which continued as new
    // reaches the chain's last run, currant.latest_run). Yields one result set.
    internal const string SendSignals = """
        WITH v AS (
            SELECT COALESCE(currant.latest_run(t.workflow_id), t.workflow_id) AS workflow_id, t.name, t.payload, t.n
            FROM unnest(@to_ids::uuid[], @signal_names::text[], @payloads::jsonb[]) WITH ORDINALITY AS t(workflow_id, name, payload, n)
        ), stored AS (
            INSERT INTO currant.signals (workflow_id, name, payload)
            SELECT v.workflow_id, v.name, v.payload FROM v JOIN currant.executions e ON e.id = v.workflow_id
            WHERE e.kind = 'workflow' AND e.state IN ('pending', 'running', 'suspended')
            ORDER BY v.n
            RETURNING workflow_id
        )
        SELECT currant.wake_for_message(workflow_id) FROM (SELECT DISTINCT workflow_id FROM stored) AS s
        """;

    // A query is asked only of a workflow that exists; a live worker (heartbeat within @stale) must serve its queue.
    // An id that names a run which continued as new asks the chain's last run (currant.latest_run).
    internal const string RequestQuery = $$"""
        WITH wf AS (
            SELECT id, kind, state, queue FROM currant.executions WHERE id = COALESCE(currant.latest_run(@id), @id)
        ), live AS (
            SELECT count(*) AS n FROM currant.workers w, wf
            WHERE wf.queue = ANY(w.queues) AND w.heartbeat_at >= now() - @stale
        ), asked AS (
            INSERT INTO currant.queries (id, workflow_id, queue, name, args)
            SELECT @query_id, wf.id, wf.queue, @name, @args FROM wf, live WHERE wf.kind = 'workflow' AND live.n > 0
            RETURNING id, queue
        )
        SELECT (SELECT kind FROM wf), (SELECT state FROM wf), (SELECT queue FROM wf), (SELECT n FROM live),
               (SELECT pg_notify('{{SharedNames.QueryChannel}}', @query_id::text || ' ' || @id::text || ' ' || queue) FROM asked) IS NOT NULL
        """;

    // What a worker that does not LISTEN (PollOnly, or no listen connection) answers on its poll tick: the queries of
    // its queues nobody took yet. currant.queries is small (UNLOGGED, each row deleted by its caller): a scan.
    internal const string PendingQueries = """
        SELECT id, workflow_id FROM currant.queries
        WHERE worker_id IS NULL AND answered_at IS NULL AND queue = ANY(@queues)
        ORDER BY created_at
        LIMIT @limit
        """;

    // First worker wins; the others see zero rows. Returns what the answer needs.
    internal const string TakeQuery = """
        UPDATE currant.queries q SET worker_id = @worker_id
        FROM currant.executions e
        WHERE q.id = @query_id AND q.worker_id IS NULL AND e.id = q.workflow_id
        RETURNING q.workflow_id, q.name, q.args::text, e.name, e.args::text, e.queue, e.state
        """;

    /// <summary>The row of <see cref="TakeQuery"/>.</summary>
    internal static TakenQuery ReadTakenQuery(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6));

    internal const string AnswerQuery = $$"""
        WITH answered AS (
            UPDATE currant.queries SET answered_at = now(), result = @result, error = @error WHERE id = @query_id RETURNING id
        )
        SELECT pg_notify('{{SharedNames.FinishedChannel}}', id::text) FROM answered
        """;

    internal const string ReadQueryAnswer = "SELECT answered_at IS NOT NULL, result::text, error::text FROM currant.queries WHERE id = @query_id";

    internal const string DeleteQuery = "DELETE FROM currant.queries WHERE id = @query_id";
}
