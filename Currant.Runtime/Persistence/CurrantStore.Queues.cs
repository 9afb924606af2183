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

    /// <summary>Upserts the definitions <c>currant.enqueue()</c> reads (db/0011), one statement for all of them.</summary>
    public async Task RegisterDefinitionsAsync(IReadOnlyList<NewExecution> rows, IReadOnlyList<ExecutionDefinition> definitions, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkerQueries.RegisterDefinitions);
        var p = command.Parameters;
        p.AddWithValue("names", rows.Select(r => r.Name).ToArray());
        p.AddWithValue("kinds", rows.Select(r => r.Kind.ToDb()).ToArray());
        p.AddWithValue("queues", rows.Select(r => r.Queue).ToArray());
        p.AddWithValue("priorities", rows.Select(r => r.Priority).ToArray());
        p.AddWithValue("max_attempts", rows.Select(r => r.MaxAttempts).ToArray());
        p.AddWithValue("timeouts", NpgsqlDbType.Array | NpgsqlDbType.Integer, rows.Select(r => ToMilliseconds(r.Timeout)).ToArray());
        p.AddWithValue("parameters", NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            definitions.Select(d => System.Text.Json.JsonSerializer.Serialize(d.ParameterNames.ToArray(), InternalJsonContext.Default.StringArray)).ToArray());
        var keyed = definitions.Select(d => d.ConcurrencyKey is { } key && d.MaxConcurrency >= 1 && d.ParameterNames.ToList().IndexOf(key) is var i && i >= 0 ? (int?)i : null).ToArray();
        p.AddWithValue("concurrency_args", NpgsqlDbType.Array | NpgsqlDbType.Integer, keyed);
        p.AddWithValue("concurrency_maxes", NpgsqlDbType.Array | NpgsqlDbType.Integer, definitions.Select((d, i) => keyed[i] is null ? null : (int?)d.MaxConcurrency).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
