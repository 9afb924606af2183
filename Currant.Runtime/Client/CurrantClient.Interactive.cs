using Currant.Persistence;

namespace Currant;

public sealed partial class CurrantClient
{
    /// <summary>How long a query waits for its answer when the caller gives no timeout.</summary>
    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromSeconds(10);

    // A worker whose heartbeat is older than this is not counted as serving its queues when a query is asked
    // (the default heartbeat timeout: a worker that old is being rescued).
    private static readonly TimeSpan QueryWorkerStaleAfter = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async Task<byte[]?> QueryAsync(Guid workflowId, string name, byte[]? arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Names.CheckSignalName(name, nameof(name));
        var args = CheckPayload($"'{name}' query arguments", arguments, nameof(arguments));
        var limit = timeout ?? DefaultQueryTimeout;
        var queryId = Guid.CreateVersion7();
        await ListenerReadyAsync(cancellationToken).ConfigureAwait(false);

        // Registered before the question is asked, so an answer that comes at once is not missed.
        var waiter = _waiters.GetOrAdd(queryId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            var asked = await Store.RequestQueryAsync(queryId, workflowId, name, args, QueryWorkerStaleAfter, cancellationToken).ConfigureAwait(false);
            if (asked.Kind is null)
            {
                throw new InvalidOperationException($"No workflow with id {workflowId}; the '{name}' query was not asked.");
            }

            if (asked.Kind != "workflow")
            {
                throw new InvalidOperationException($"Execution {workflowId} is not a workflow; only workflows answer queries.");
            }

            if (!asked.Asked)
            {
                throw new InvalidOperationException(
                    $"No live worker serves queue '{asked.Queue}', so nothing can answer the '{name}' query of workflow {workflowId}. " +
                    $"Start a worker on queue '{asked.Queue}' (queries are answered by workers, from memory or by replaying the history).");
            }

            var deadline = DateTime.UtcNow + limit;
            while (true)
            {
                var (answered, result, error) = await Store.ReadQueryAnswerAsync(queryId, cancellationToken).ConfigureAwait(false);
                if (answered)
                {
                    if (error is not null)
                    {
                        throw new ExecutionFailedException(workflowId, name,
                            CurrantStore.DeserializeError(error) ?? new ExecutionError("Unknown", "The query failed.", null));
                    }

                    return result is null ? null : System.Text.Encoding.UTF8.GetBytes(result);
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException(
                        $"No worker answered the '{name}' query of workflow {workflowId} within {limit}. Workers of queue '{asked.Queue}' are registered, " +
                        "but none answered (stopping, overloaded, or unable to replay the workflow: see their logs).");
                }

                await Task.WhenAny(waiter.Task, Task.Delay(Min(left, Options.ResultPollInterval), cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (waiter.Task.IsCompleted)
                {
                    _waiters.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(queryId, waiter));
                    waiter = _waiters.GetOrAdd(queryId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(queryId, waiter));
            try
            {
                await Store.DeleteQueryAsync(queryId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Npgsql.NpgsqlException)
            {
                // An unanswered question left behind is harmless: queries live in an UNLOGGED table and are never retried.
            }
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> UpdateAsync(Guid workflowId, string name, byte[]? arguments, string? updateId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Names.CheckSignalName(name, nameof(name));
        if (updateId is not null && (updateId.Length == 0 || updateId.Length > 200))
        {
            throw new ArgumentException("An update id must be 1 to 200 characters long.", nameof(updateId));
        }

        var args = CheckPayload($"'{name}' update arguments", arguments, nameof(arguments));
        updateId ??= Guid.CreateVersion7().ToString();
        await ListenerReadyAsync(cancellationToken).ConfigureAwait(false);
        var requested = await Store.RequestUpdateAsync(workflowId, updateId, Guid.CreateVersion7(), name, args, cancellationToken).ConfigureAwait(false);
        if (requested.Kind is null)
        {
            throw new InvalidOperationException($"No workflow with id {workflowId}; the '{name}' update was not stored.");
        }

        if (requested.Kind != "workflow")
        {
            throw new InvalidOperationException($"Execution {workflowId} is not a workflow; only workflows take updates. The '{name}' update was not stored.");
        }

        using var timeoutCts = timeout is { } t ? new CancellationTokenSource(t) : null;
        using var linked = timeoutCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        Guid? key = null;
        TaskCompletionSource? waiter = null;
        try
        {
            while (true)
            {
                if (key is { } k)
                {
                    waiter = _waiters.GetOrAdd(k, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }

                var row = await Store.ReadUpdateAsync(workflowId, updateId, linked.Token).ConfigureAwait(false);
                if (row is null)
                {
                    throw new InvalidOperationException(
                        $"Workflow {workflowId} has already finished ({requested.State}); the '{name}' update was not stored.");
                }

                if (row.Name != name)
                {
                    throw new ArgumentException($"Update id '{updateId}' was already used for the '{row.Name}' update of workflow {workflowId}.", nameof(updateId));
                }

                switch (row.State)
                {
                    case "completed":
                        return row.Result is null ? null : System.Text.Encoding.UTF8.GetBytes(row.Result);
                    case "failed":
                        throw new ExecutionFailedException(workflowId, name, CurrantStore.DeserializeError(row.Error) ?? new ExecutionError("Unknown", "The update failed.", null));
                    case "rejected":
                        throw new UpdateRejectedException(workflowId, name, CurrantStore.DeserializeError(row.Error) ?? new ExecutionError("Unknown", "The update was rejected.", null));
                }

                if (row.WorkflowState is "completed" or "failed" or "cancelled")
                {
                    throw new InvalidOperationException(
                        $"Workflow {workflowId} finished ({row.WorkflowState}) before its '{name}' update (id '{updateId}') {(row.State == "accepted" ? "finished" : "was taken")}.");
                }

                if (key is null)
                {
                    key = row.Key;
                    continue;
                }

                await Task.WhenAny(waiter!.Task, Task.Delay(Options.ResultPollInterval, linked.Token)).ConfigureAwait(false);
                _waiters.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(key.Value, waiter));
                linked.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (timeoutCts?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The '{name}' update (id '{updateId}') of workflow {workflowId} did not finish within {timeout}. It stays requested: " +
                "call again with the same update id to wait for its result.");
        }
        finally
        {
            if (key is { } k && waiter is not null)
            {
                _waiters.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(k, waiter));
            }
        }
    }

    private async Task ListenerReadyAsync(CancellationToken cancellationToken)
    {
        if (EnsureListener() is { } listener)
        {
            await listener.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The payload as jsonb text, checked for every kind of message (size, valid JSON, no NUL); <paramref name="what"/> names it in errors.</summary>
    private string? CheckPayload(string what, byte[]? payload, string parameterName)
    {
        if (payload is null)
        {
            return null;
        }

        if (payload.Length > Options.Defaults.MaxPayloadBytes)
        {
            throw new ArgumentException($"The {what} are {payload.Length:N0} bytes, over the {Options.Defaults.MaxPayloadBytes:N0}-byte limit.", parameterName);
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(payload);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ArgumentException($"The {what} are not valid JSON: {ex.Message}", parameterName, ex);
        }

        if (JsonNul.Contains(payload))
        {
            throw new ArgumentException($"The {what} {NulRefusal}", parameterName);
        }

        return System.Text.Encoding.UTF8.GetString(payload);
    }
}
