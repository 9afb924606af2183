using Currant.Persistence.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

internal sealed partial class CurrantStore
{
    /// <summary>
    /// Deletes up to <paramref name="batch"/> finished roots past their retention, with everything they started;
    /// returns how many roots and how many executions in all. A null retention keeps those outcomes.
    /// </summary>
    public async Task<(long Roots, long Executions)> DeleteFinishedAsync(TimeSpan? retainCompleted, TimeSpan? retainFailed, int batch, CancellationToken cancellationToken)
    {
        // Its commit does not wait for the WAL flush (RetentionQueries.UnflushedCommit): a batch a database crash loses
        // is deleted again by the next pass, and claims and completions do not queue behind retention's flushes.
        await using var command = dataSource.CreateBatch();
        command.BatchCommands.Add(new NpgsqlBatchCommand(RetentionQueries.UnflushedCommit));
        var delete = new NpgsqlBatchCommand(RetentionQueries.DeleteFinished);
        // NULL intervals make every comparison NULL: that kind of row is never a candidate.
        delete.Parameters.AddWithValue("retain_completed", NpgsqlDbType.Interval, retainCompleted ?? (object)DBNull.Value);
        delete.Parameters.AddWithValue("retain_failed", NpgsqlDbType.Interval, retainFailed ?? (object)DBNull.Value);
        delete.Parameters.AddWithValue("batch", batch);
        command.BatchCommands.Add(delete);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
