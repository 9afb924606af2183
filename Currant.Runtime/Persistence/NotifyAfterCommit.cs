using Npgsql;

namespace Currant.Persistence;

/// <summary>
/// Sends a one-round-trip commit's NOTIFYs after its COMMIT instead of inside it. PostgreSQL lets one notifying
/// transaction at a time through its commit, from pre-commit to the end, WAL flush included (one cluster-wide lock,
/// <c>PreCommit_Notify</c> in async.c): a NOTIFY inside a durable commit makes every other notifying commit wait out
/// this one's fsync. With 16 workflow callers that lock was what active backends waited on most (pg_stat_activity,
/// wait event <c>Lock: object</c>; docs/benchmarks.md). So the batch becomes BEGIN, its statements, COMMIT, then the
/// NOTIFYs in a transaction of their own that does not wait for the flush (each NOTIFY statement sent after the COMMIT
/// selects <see cref="NoFlushWait"/> too, so that costs no statement of its own). What they announce is durable before they
/// go out; a failed commit sends none (the pipeline stops at the error); a crash between the two loses them, as a
/// crash loses any NOTIFY not yet delivered, and the sweeps that cover a lost NOTIFY cover this one.
/// </summary>
internal static class NotifyAfterCommit
{
    // A COMMIT without a BEGIN works in a pipeline but logs "there is no transaction in progress" each time.
    private const string Begin = "BEGIN";
    private const string Commit = "COMMIT";

    /// <summary>
    /// The select-list item of every NOTIFY statement sent after <see cref="Split"/>: a NOTIFY takes a transaction id,
    /// so its own transaction would otherwise wait for the WAL flush of its commit record. set_config rather than SET
    /// LOCAL, which warns outside a transaction block (as a pipeline's implicit one is).
    /// </summary>
    internal const string NoFlushWait = "set_config('synchronous_commit', 'off', true)";

    /// <summary>
    /// Wraps the statements of <paramref name="batch"/> so far in an explicit transaction; add its NOTIFYs after this,
    /// each a statement that selects <see cref="NoFlushWait"/> too. A connection whose batch failed is left in an aborted transaction block:
    /// give it back to the pool (which rolls it back) or send ROLLBACK before using it again.
    /// </summary>
    public static void Split(NpgsqlBatch batch)
    {
        batch.BatchCommands.Insert(0, new NpgsqlBatchCommand(Begin));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Commit));
    }
}
