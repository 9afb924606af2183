using Currant.Persistence.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

internal sealed partial class CurrantStore
{
    /// <summary>Stores an update for a running workflow (or finds the one stored under the same id) and wakes it.</summary>
    public async Task<(string? Kind, string? State, bool Stored)> RequestUpdateAsync(Guid id, string updateId, Guid key, string name, string? args, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.RequestUpdate);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("update_id", updateId);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("args", NpgsqlDbType.Jsonb, args ?? (object)DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2));
    }

    public async Task<UpdateRow?> ReadUpdateAsync(Guid id, string updateId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.ReadUpdate);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("update_id", updateId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? InteractionQueries.ReadUpdateRow(reader) : null;
    }

    /// <summary>Asks a query of the workers serving the workflow's queue; says what it found when it could not.</summary>
    public async Task<(string? Kind, string? State, string? Queue, long LiveWorkers, bool Asked)> RequestQueryAsync(
        Guid queryId, Guid id, string name, string? args, TimeSpan stale, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.RequestQuery);
        command.Parameters.AddWithValue("query_id", queryId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("args", NpgsqlDbType.Jsonb, args ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("stale", stale);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? 0 : reader.GetInt64(3), reader.GetBoolean(4));
    }

    /// <summary>Queries of <paramref name="queues"/> no worker took yet, oldest first: (query id, workflow id).</summary>
    public async Task<IReadOnlyList<(Guid QueryId, Guid WorkflowId)>> PendingQueriesAsync(string[] queues, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.PendingQueries);
        command.Parameters.AddWithValue("queues", queues);
        command.Parameters.AddWithValue("limit", limit);
        var pending = new List<(Guid, Guid)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }

        return pending;
    }

    public async Task<TakenQuery?> TakeQueryAsync(Guid queryId, Guid workerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.TakeQuery);
        command.Parameters.AddWithValue("query_id", queryId);
        command.Parameters.AddWithValue("worker_id", workerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? InteractionQueries.ReadTakenQuery(reader) : null;
    }

    public async Task AnswerQueryAsync(Guid queryId, string? result, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.AnswerQuery);
        command.Parameters.AddWithValue("query_id", queryId);
        command.Parameters.AddWithValue("result", NpgsqlDbType.Jsonb, result ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("error", NpgsqlDbType.Jsonb, error ?? (object)DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(bool Answered, string? Result, string? Error)> ReadQueryAnswerAsync(Guid queryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.ReadQueryAnswer);
        command.Parameters.AddWithValue("query_id", queryId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (false, null, null);
        }

        return (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    public async Task DeleteQueryAsync(Guid queryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InteractionQueries.DeleteQuery);
        command.Parameters.AddWithValue("query_id", queryId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The statements of an activation that move updates and send signals to other workflows; returns the result sets they yield.</summary>
    private static int AddInteractions(NpgsqlBatch batch, Guid id, Workflows.ActivationCommands commands)
    {
        var sets = 0;
        if (commands.Updates.Count > 0)
        {
            var u = commands.Updates;
            var updates = Add(batch, InteractionQueries.ApplyUpdates, id);
            updates.Parameters.AddWithValue("update_ids", u.Select(x => x.UpdateId).ToArray());
            updates.Parameters.AddWithValue("update_states", u.Select(x => x.State).ToArray());
            updates.Parameters.AddWithValue("update_seqs", NpgsqlDbType.Array | NpgsqlDbType.Integer, u.Select(x => x.Seq).ToArray());
            updates.Parameters.AddWithValue("update_results", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, u.Select(x => x.Result).ToArray());
            updates.Parameters.AddWithValue("update_errors", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, u.Select(x => x.Error).ToArray());
            sets++;
        }

        if (commands.Outgoing.Count > 0)
        {
            var o = commands.Outgoing;
            var signals = Add(batch, InteractionQueries.SendSignals, id);
            signals.Parameters.AddWithValue("to_ids", o.Select(x => x.WorkflowId).ToArray());
            signals.Parameters.AddWithValue("signal_names", o.Select(x => x.Name).ToArray());
            signals.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, o.Select(x => x.Payload).ToArray());
            sets++;
        }

        return sets;
    }
}
