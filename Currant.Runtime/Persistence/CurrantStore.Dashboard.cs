using Currant.Persistence.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

/// <summary>What the dashboard reads and records (DashboardQueries).</summary>
internal sealed partial class CurrantStore
{
    public async Task<IReadOnlyList<QueueSummary>> GetQueueSummariesAsync(int countCap, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Queues);
        command.Parameters.AddWithValue("cap", countCap);
        return await ReadAllAsync(command, DashboardQueries.ReadQueue, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkerSummary>> GetWorkersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Workers);
        return await ReadAllAsync(command, DashboardQueries.ReadWorker, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of executions newest first, strictly older than <paramref name="before"/> when given.</summary>
    public async Task<IReadOnlyList<ExecutionInfo>> GetExecutionPageAsync(DashboardFilter filter, Guid? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Page);
        AddFilter(command.Parameters, filter);
        command.Parameters.AddWithValue("before", NpgsqlDbType.Uuid, before ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, ExecutionQueries.ReadInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many executions match, counting no further than <paramref name="cap"/>.</summary>
    public async Task<long> CountExecutionsAsync(DashboardFilter filter, int cap, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.CappedCount);
        AddFilter(command.Parameters, filter);
        command.Parameters.AddWithValue("cap", cap);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<ExecutionDetail?> GetDetailAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Detail);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? DashboardQueries.ReadDetail(reader) : null;
    }

    public async Task<IReadOnlyList<ExecutionInfo>> GetChildrenAsync(Guid id, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Children);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, ExecutionQueries.ReadInfo, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SignalRecord>> GetSignalsAsync(Guid workflowId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Signals);
        command.Parameters.AddWithValue("id", workflowId);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, DashboardQueries.ReadSignal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels (each with its tree) up to <paramref name="cap"/> unfinished executions matching the filter; returns how many were cancelled.</summary>
    public Task<int> BulkCancelAsync(DashboardFilter filter, int cap, CancellationToken cancellationToken)
        => BulkAsync(filter, active: true, ExecutionQueries.Cancel, cap, cancellationToken);

    /// <summary>Retries up to <paramref name="cap"/> failed or parked executions matching the filter; returns how many.</summary>
    public Task<int> BulkRetryAsync(DashboardFilter filter, int cap, CancellationToken cancellationToken)
        => BulkAsync(filter, active: false, WorkflowQueries.Retry, cap, cancellationToken);

    /// <summary>
    /// The single-execution statement (@id; a row when it acted), once per target, in one round trip: a bulk action
    /// means exactly what that many single actions mean. Returns how many acted.
    /// </summary>
    private async Task<int> BulkAsync(DashboardFilter filter, bool active, string single, int cap, CancellationToken cancellationToken)
    {
        var ids = await GetBulkTargetsAsync(filter, active, cap, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var id in ids)
        {
            var command = new NpgsqlBatchCommand(single);
            command.Parameters.AddWithValue("id", id);
            batch.BatchCommands.Add(command);
        }

        var acted = 0;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                acted++;
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        return acted;
    }

    public async Task<long> RecordActionAsync(string actor, string action, Guid? executionId, string? detail, string outcome, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.RecordAction);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("execution_id", NpgsqlDbType.Uuid, executionId ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("detail", NpgsqlDbType.Text, detail ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("outcome", outcome);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<DashboardAction>> GetActionsAsync(long? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.Actions);
        command.Parameters.AddWithValue("before", NpgsqlDbType.Bigint, before ?? (object)DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, DashboardQueries.ReadAction, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<Guid>> GetBulkTargetsAsync(DashboardFilter filter, bool active, int cap, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.BulkTargets);
        AddFilter(command.Parameters, filter);
        command.Parameters.AddWithValue("active", active);
        command.Parameters.AddWithValue("cap", cap);
        return await ReadAllAsync(command, static r => r.GetGuid(0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every queue with a setting, work or a worker: its pause, limit, pending (up to <paramref name="countCap"/>) and running.</summary>
    public async Task<IReadOnlyList<QueueControl>> GetQueueControlsAsync(int countCap, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.QueueControls);
        command.Parameters.AddWithValue("cap", countCap);
        return await ReadAllAsync(command, DashboardQueries.ReadQueueControl, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest runs (fire times and triggers) of the schedule <paramref name="name"/>, which enqueues <paramref name="target"/>.</summary>
    public async Task<IReadOnlyList<ExecutionInfo>> GetScheduleRunsAsync(string name, string target, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.ScheduleRuns);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("prefix", $"schedule:{name}:");
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, ExecutionQueries.ReadInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the execution's detail page shows changing, as one string; null when no execution has the id.</summary>
    public async Task<string?> GetExecutionVersionAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DashboardQueries.ExecutionVersion);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Binds a <see cref="DashboardFilter"/> to the parameters of DashboardQueries (its plan test binds them the same way).</summary>
    internal static void AddFilter(NpgsqlParameterCollection p, DashboardFilter filter)
    {
        p.AddWithValue("kind", NpgsqlDbType.Text, filter.Kind?.ToDb() ?? (object)DBNull.Value);
        p.AddWithValue("name", NpgsqlDbType.Text, filter.Name ?? (object)DBNull.Value);
        p.AddWithValue("state", NpgsqlDbType.Text, filter.State?.ToDb() ?? (object)DBNull.Value);
        p.AddWithValue("parked", filter.Parked);
        p.AddWithValue("queue", NpgsqlDbType.Text, filter.Queue ?? (object)DBNull.Value);
        p.AddWithValue("from_id", NpgsqlDbType.Uuid, filter.From is { } from ? ExecutionIds.Floor(from) : DBNull.Value);
        p.AddWithValue("to_id", NpgsqlDbType.Uuid, filter.To is { } to ? ExecutionIds.Floor(to) : DBNull.Value);
        p.AddWithValue("id", NpgsqlDbType.Uuid, filter.Id ?? (object)DBNull.Value);
        p.AddWithValue("key", NpgsqlDbType.Text, filter.IdempotencyKey ?? (object)DBNull.Value);
        p.AddWithValue("tags", NpgsqlDbType.Jsonb, filter.Tags is { Count: > 0 } tags ? ExecutionTags.ToJson(tags)! : DBNull.Value);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }

        return list;
    }
}
