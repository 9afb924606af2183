using Currant.Worker;

namespace Currant.Persistence;

/// <summary>
/// The outcome of one attempt, written back in a batch. <see cref="State"/> is the row's next state:
/// completed/failed/cancelled end it, pending retries it after <see cref="RetryIn"/> or (released) hands it back.
/// <see cref="Fence"/> is the claim's <see cref="ClaimedExecution.Fence"/>. <see cref="HeartbeatDetails"/>: the last
/// heartbeat's details of an activity run inside its workflow's activation (it has no row to write them to yet).
/// </summary>
internal sealed record Completion(
    Guid Id,
    int Fence,
    ExecutionState State,
    string? Result,
    string? Error,
    TimeSpan? RetryIn,
    bool Released,
    string? HeartbeatDetails = null)
{
    /// <summary>How long a workflow handed back after an internal error waits before it is replayed.</summary>
    public static readonly TimeSpan WorkflowHandBackDelay = TimeSpan.FromSeconds(1);

    /// <summary>Back to pending without spending the attempt (shutdown, or a claimed row that never started).</summary>
    public static Completion Release(Guid id, int fence)
        => new(id, fence, ExecutionState.Pending, null, null, TimeSpan.Zero, true);

    /// <summary>
    /// The attempt ended in an error of Currant's own (not the user's code): retried with backoff while attempts
    /// remain (always for workflows and timers, which an internal error never fails), else failed with that error.
    /// </summary>
    public static Completion HandBack(ClaimedExecution row, Exception exception, WorkerOptions options)
    {
        var error = CurrantStore.SerializeError(ExecutionError.From(exception, nonRetryable: false));
        if (row.Kind is ExecutionKind.Workflow or ExecutionKind.Timer)
        {
            return new(row.Id, row.Fence, ExecutionState.Pending, null, error, WorkflowHandBackDelay, false);
        }

        return row.Attempt < row.MaxAttempts
            ? new(row.Id, row.Fence, ExecutionState.Pending, null, error,
                RetryBackoff.Compute(row.Attempt, StoredRetryPolicy.Parse(row.RetryPolicy), options.RetryBaseDelay, options.RetryMaxDelay), false)
            : new(row.Id, row.Fence, ExecutionState.Failed, null, error, null, false);
    }
}
