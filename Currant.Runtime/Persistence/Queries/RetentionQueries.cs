namespace Currant.Persistence.Queries;

/// <summary>The SQL of the retention pass (Maintenance/Cleaner, db/0011).</summary>
internal static class RetentionQueries
{
    // Sent before DeleteFinished in one batch (one implicit transaction): that transaction's commit does not wait for
    // the WAL flush. Only synchronous_commit, not WorkerQueries.RelaxedTransaction's generic plans: the delete's plan
    // depends on the retention intervals.
    internal const string UnflushedCommit = "SELECT set_config('synchronous_commit', 'off', true)";

    // One batch, one short transaction. Roots only: a finished root past its retention goes with every execution it
    // started (executions_parent_idx, recursively), their history (primary key), signals (signals_workflow_idx) and updates (primary key),
    // so the children of a live workflow stay while it lives, and nothing is left pointing at a deleted row.
    // executions_finished_idx orders the candidates oldest first; the range on completed_at (the shorter retention)
    // keeps the scan to rows that may qualify. SKIP LOCKED: workers running the pass at once take disjoint roots, and
    // nothing here waits for a claim (a claim skips the rows locked here, and these rows are finished: no claim wants
    // them). A null retention keeps that kind of outcome forever.
    // @retain_completed, @retain_failed (failed and cancelled), @batch.
    internal const string DeleteFinished = """
        WITH RECURSIVE roots AS (
            SELECT id FROM currant.executions r
            WHERE state IN ('completed', 'failed', 'cancelled') AND parent_id IS NULL
              AND completed_at < now() - LEAST(@retain_completed::interval, @retain_failed::interval)
              AND completed_at < now() - CASE WHEN state = 'completed' THEN @retain_completed::interval ELSE @retain_failed::interval END
              -- A run that continued as new (db/0008) stays while the last run of its chain is live or within its
              -- retention: the caller's handle and signals reach the last run through it.
              AND (continued_to IS NULL OR NOT EXISTS (
                  SELECT 1 FROM currant.executions l
                  WHERE l.id = currant.latest_run(r.continued_to)
                    AND (l.state NOT IN ('completed', 'failed', 'cancelled')
                         OR l.completed_at >= now() - CASE WHEN l.state = 'completed' THEN @retain_completed::interval ELSE @retain_failed::interval END)))
            ORDER BY completed_at
            LIMIT @batch
            FOR UPDATE SKIP LOCKED
        ), tree AS (
            SELECT id FROM roots
            UNION ALL
            SELECT e.id FROM currant.executions e JOIN tree t ON e.parent_id = t.id
        ), history AS (
            DELETE FROM currant.history h USING tree t WHERE h.workflow_id = t.id
        ), signals AS (
            DELETE FROM currant.signals s USING tree t WHERE s.workflow_id = t.id
        ), updates AS (
            DELETE FROM currant.updates u USING tree t WHERE u.workflow_id = t.id
        ), deleted AS (
            DELETE FROM currant.executions e USING tree t WHERE e.id = t.id RETURNING e.parent_id IS NULL AS root
        )
        SELECT count(*) FILTER (WHERE root), count(*) FROM deleted
        """;
}
