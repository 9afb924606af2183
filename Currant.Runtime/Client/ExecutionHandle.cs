namespace Currant;

/// <summary>A reference to a queued execution without a result value.</summary>
public class ExecutionHandle
{
    /// <summary>Creates a handle bound to a client.</summary>
    public ExecutionHandle(ICurrantClient client, Guid id)
    {
        Client = client;
        Id = id;
    }

    /// <summary>The execution's id (UUIDv7).</summary>
    public Guid Id { get; }

    /// <summary>The client this handle talks through.</summary>
    protected ICurrantClient Client { get; }

    /// <summary>
    /// The current record. For a workflow that continued as new, the record of the chain's last run (its
    /// <see cref="ExecutionInfo.ContinuedFrom"/> says so); <see cref="ICurrantClient.GetExecutionAsync"/> reads one run.
    /// </summary>
    public async Task<ExecutionInfo> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var info = await Client.GetExecutionAsync(Id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Execution {Id} does not exist (deleted by retention?).");
        while (info.ContinuedTo is { } next)
        {
            info = await Client.GetExecutionAsync(next, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Execution {Id} continued as {next}, which does not exist (deleted by retention?).");
        }

        return info;
    }

    /// <summary>Sends a signal to this workflow (buffered until it waits for it).</summary>
    public Task SignalAsync<TPayload>(string name, TPayload payload, CancellationToken cancellationToken = default)
        => Client.SendSignalAsync(Id, name, CurrantJson.Serialize(payload, Client.SerializerOptions), cancellationToken);

    /// <summary>Sends a signal without a payload.</summary>
    public Task SignalAsync(string name, CancellationToken cancellationToken = default)
        => Client.SendSignalAsync(Id, name, null, cancellationToken);

    /// <summary>Requests cancellation; false if it had already finished.</summary>
    public Task<bool> CancelAsync(CancellationToken cancellationToken = default) => Client.CancelAsync(Id, cancellationToken);

    /// <summary>
    /// Waits for the execution to finish (woken by NOTIFY, polling as a fallback). Throws
    /// <see cref="ExecutionFailedException"/> if it failed, <see cref="ExecutionCancelledException"/> if it was
    /// cancelled and <see cref="TimeoutException"/> if <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => await WaitFinishedAsync(timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Same as <see cref="WaitAsync"/>, for handles without a result.</summary>
    public Task GetResultAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => WaitAsync(timeout, cancellationToken);

    private protected async Task<ExecutionInfo> WaitFinishedAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var info = await Client.WaitForCompletionAsync(Id, timeout, cancellationToken).ConfigureAwait(false);
        return info.State switch
        {
            ExecutionState.Completed => info,
            ExecutionState.Cancelled => throw new ExecutionCancelledException(Id, info.Name),
            _ => throw new ExecutionFailedException(Id, info.Name,
                info.Error ?? new ExecutionError("Unknown", "The execution failed without a recorded error.", null)),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Id.ToString();
}
