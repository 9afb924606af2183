using Currant.Persistence.Queries;
using Currant.Workflows;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

internal sealed partial class CurrantStore
{
    /// <summary>History, buffered signals and the wake counter of a workflow, in one round trip.</summary>
    public async Task<WorkflowState> LoadWorkflowAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { WorkflowQueries.LoadHistory, WorkflowQueries.LoadSignals, WorkflowQueries.LoadWorkflow })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("id", id);
            batch.BatchCommands.Add(command);
        }

        var history = new List<HistoryEvent>();
        var signals = new List<BufferedSignal>();
        var wakeCount = 0;
        var createdAt = DateTimeOffset.UtcNow;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            history.Add(WorkflowQueries.ReadHistoryEvent(reader));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            signals.Add(WorkflowQueries.ReadBufferedSignal(reader));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (wakeCount, createdAt) = WorkflowQueries.ReadWorkflow(reader);
        }

        return new WorkflowState(history, signals, wakeCount, createdAt);
    }

    /// <summary>
    /// Commits an activation: new history, signal consumption, children and the workflow's next state, all or
    /// nothing, fenced by (worker, activation). Pending children are announced on commit.
    /// </summary>
    public async Task<(ActivationOutcome Outcome, string? Queue)> CommitActivationAsync(ActivationCommit commit, CancellationToken cancellationToken)
    {
        // No explicit transaction: a batch is one implicit transaction, so the whole commit is one round trip and
        // a failed check (currant.require) or a unique violation rolls all of it back.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);

        var fence = Add(batch, WorkflowQueries.Fence, commit);
        fence.Parameters.AddWithValue("worker_id", commit.WorkerId);
        fence.Parameters.AddWithValue("fence", commit.Fence);

        if (commit.History.Count > 0)
        {
            var history = Add(batch, WorkflowQueries.InsertHistory, commit);
            var rows = commit.History;
            history.Parameters.AddWithValue("seqs", rows.Select(r => r.Seq).ToArray());
            history.Parameters.AddWithValue("kinds", rows.Select(r => r.Kind).ToArray());
            history.Parameters.AddWithValue("names", rows.Select(r => r.Name).ToArray());
            history.Parameters.AddWithValue("states", rows.Select(r => r.State).ToArray());
            history.Parameters.AddWithValue("child_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, rows.Select(r => r.ChildId).ToArray());
            history.Parameters.AddWithValue("results", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(r => r.Result).ToArray());
            history.Parameters.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(r => r.Error).ToArray());
        }

        var waits = 0;
        foreach (var consumed in commit.Consumed.Where(c => c.WaitWasScheduled).OrderBy(c => c.Seq))
        {
            waits++;
            var wait = Add(batch, WorkflowQueries.CompleteSignalWait, commit);
            wait.Parameters.AddWithValue("seq", consumed.Seq);
            wait.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, consumed.Payload ?? (object)DBNull.Value);
        }

        if (commit.Consumed.Count > 0)
        {
            var signals = Add(batch, WorkflowQueries.ConsumeSignals, commit);
            signals.Parameters.AddWithValue("signal_ids", commit.Consumed.Select(c => c.SignalId).ToArray());
            signals.Parameters.AddWithValue("seqs", commit.Consumed.Select(c => c.Seq).ToArray());
        }

        if (commit.Children.Count > 0)
        {
            var children = Add(batch, WorkflowQueries.InsertChildren, commit);
            var c = commit.Children;
            children.Parameters.AddWithValue("worker_id", commit.WorkerId);
            children.Parameters.AddWithValue("trace_context", NpgsqlDbType.Text, commit.TraceContext ?? (object)DBNull.Value);
            children.Parameters.AddWithValue("child_ids", c.Select(x => x.Id).ToArray());
            children.Parameters.AddWithValue("kinds", c.Select(x => x.Kind.ToDb()).ToArray());
            children.Parameters.AddWithValue("names", c.Select(x => x.Name).ToArray());
            children.Parameters.AddWithValue("queues", c.Select(x => x.Queue).ToArray());
            children.Parameters.AddWithValue("priorities", c.Select(x => x.Priority).ToArray());
            children.Parameters.AddWithValue("args", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, c.Select(x => x.Arguments).ToArray());
            children.Parameters.AddWithValue("max_attempts", c.Select(x => x.MaxAttempts).ToArray());
            children.Parameters.AddWithValue("timeouts", NpgsqlDbType.Array | NpgsqlDbType.Integer,
                c.Select(x => x.Timeout is { } t ? (int?)Math.Max(1, Math.Min(int.MaxValue, t.TotalMilliseconds)) : null).ToArray());
            children.Parameters.AddWithValue("delays", c.Select(x => x.Delay < TimeSpan.Zero ? TimeSpan.Zero : x.Delay).ToArray());
            children.Parameters.AddWithValue("parent_seqs", NpgsqlDbType.Array | NpgsqlDbType.Integer, c.Select(x => x.ParentSeq).ToArray());
            children.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Text, c.Select(x => x.IdempotencyKey).ToArray());
            children.Parameters.AddWithValue("eager", c.Select(x => x.Eager).ToArray());
        }

        // Results are read by position: the Finish statement's is the one that says what happened. The reader
        // yields a result set only for statements that return rows: the fence, each signal wait, the consumption.
        var finishIndex = 1 + waits + (commit.Consumed.Count > 0 ? 1 : 0);
        var finish = Add(batch, WorkflowQueries.Finish, commit);
        finish.Parameters.AddWithValue("state", commit.State.ToDb());
        finish.Parameters.AddWithValue("seen_wake_count", commit.SeenWakeCount);
        finish.Parameters.AddWithValue("result", NpgsqlDbType.Jsonb, commit.Result ?? (object)DBNull.Value);
        finish.Parameters.AddWithValue("error", NpgsqlDbType.Jsonb, commit.Error ?? (object)DBNull.Value);
        finish.Parameters.AddWithValue("worker_id", commit.WorkerId);
        finish.Parameters.AddWithValue("fence", commit.Fence);

        var finished = commit.State is ExecutionState.Completed or ExecutionState.Failed;
        if (finished)
        {
            Add(batch, WorkflowQueries.CancelTimers, commit);
            Add(batch, WorkflowQueries.NotifyFinished, commit);
        }

        var wake = commit.Children.Where(c => !c.Eager && c.Delay <= TimeSpan.Zero).Select(c => c.Queue).Distinct().ToArray();
        if (wake.Length > 0)
        {
            var notify = Add(batch, WorkflowQueries.NotifyQueues, commit);
            notify.Parameters.AddWithValue("queues", wake);
        }

        var due = commit.Children.Where(c => !c.Eager && c.Delay > TimeSpan.Zero).GroupBy(c => c.Queue, StringComparer.Ordinal).ToArray();
        if (due.Length > 0)
        {
            var notify = Add(batch, WorkflowQueries.NotifyDue, commit);
            notify.Parameters.AddWithValue("due_queues", due.Select(g => g.Key).ToArray());
            notify.Parameters.AddWithValue("due_delays", due.Select(g => g.Min(c => c.Delay)).ToArray());
        }

        string? state = null, queue = null;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var index = 0;
            do
            {
                if (index++ == finishIndex && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    (state, queue) = WorkflowQueries.ReadFinish(reader);
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (PostgresException ex) when (ex.SqlState == "CU001")
        {
            return (ex.MessageText switch
            {
                "cancelled" => ActivationOutcome.Cancelled,
                "conflict" => ActivationOutcome.Conflict,
                _ => ActivationOutcome.Fenced,
            }, null);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // History already has one of these steps: another activation got there first.
            return (ActivationOutcome.Conflict, null);
        }

        if (state is null)
        {
            return (ActivationOutcome.Fenced, null);
        }

        var woken = commit.State == ExecutionState.Suspended && state == "pending";
        return (woken ? ActivationOutcome.CommittedAndWoken : ActivationOutcome.Committed, queue);
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, ActivationCommit commit)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", commit.WorkflowId);
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>Puts a workflow back to pending after a conflicting commit (nothing was written).</summary>
    public async Task RequeueAsync(Guid id, Guid workerId, int fence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.Requeue);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("worker_id", workerId);
        command.Parameters.AddWithValue("fence", fence);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends an execution and its descendants (see <c>currant.cancel_tree</c>).</summary>
    public async Task<int> CancelTreeAsync(Guid id, ExecutionState finalState, ExecutionError reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.CancelTree);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("state", finalState.ToDb());
        command.Parameters.AddWithValue("error", SerializeError(reason));
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long> ResumeParkedAsync(string[] queues, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.ResumeParked);
        command.Parameters.AddWithValue("queues", queues);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<SignalOutcome> SignalAsync(Guid id, string name, string? payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.Signal);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, payload ?? (object)DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return WorkflowQueries.ReadSignalOutcome(reader);
    }

    public async Task<IReadOnlyList<HistoryRow>> GetHistoryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.History);
        command.Parameters.AddWithValue("id", id);
        var rows = new List<HistoryRow>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(WorkflowQueries.ReadHistoryRow(r));
        }

        return rows;
    }

    public async Task<bool> RetryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.Retry);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }
}
