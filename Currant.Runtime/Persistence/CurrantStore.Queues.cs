using Currant.Persistence.Queries;
using NpgsqlTypes;

namespace Currant.Persistence;

internal sealed partial class CurrantStore
{
    /// <summary>
    /// Sets what is not null of a queue's controls (<paramref name="maxConcurrency"/> 0 removes the limit) and wakes its
    /// workers when it may now be claimed from.
    /// </summary>
    public async Task UpdateQueueAsync(string queue, bool? paused, int? maxConcurrency, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(QueueQueries.Update);
        command.Parameters.AddWithValue("name", queue);
        command.Parameters.AddWithValue("paused", NpgsqlDbType.Boolean, paused ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("max_concurrency", NpgsqlDbType.Integer, maxConcurrency ?? (object)DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(QueueQueries.List);
        var queues = new List<QueueInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            queues.Add(QueueQueries.ReadQueue(reader));
        }

        return queues;
    }
}
