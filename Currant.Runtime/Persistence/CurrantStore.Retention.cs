using Currant.Persistence.Queries;
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
        await using var command = dataSource.CreateCommand(RetentionQueries.DeleteFinished);
        // NULL intervals make every comparison NULL: that kind of row is never a candidate.
        command.Parameters.AddWithValue("retain_completed", NpgsqlDbType.Interval, retainCompleted ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("retain_failed", NpgsqlDbType.Interval, retainFailed ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("batch", batch);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
