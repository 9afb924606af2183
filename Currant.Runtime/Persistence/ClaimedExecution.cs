namespace Currant.Persistence;

/// <summary>
/// A row this worker now owns for one attempt (for a workflow, one activation). <see cref="Attempt"/> counts tries
/// at the whole execution; <see cref="Activation"/> counts a workflow's claims (0 for other kinds). <see cref="Rescued"/>:
/// a workflow whose previous activation was lost with its worker. <see cref="RetryPolicy"/>: the row's retry_policy
/// jsonb; <see cref="HeartbeatDetails"/>: what the last heartbeat of an earlier attempt carried (db/0009).
/// </summary>
internal sealed record ClaimedExecution(
    Guid Id,
    ExecutionKind Kind,
    string Name,
    string Queue,
    string Arguments,
    int Attempt,
    int MaxAttempts,
    TimeSpan? Timeout,
    Guid? ParentId,
    int? ParentSeq,
    string? TraceContext,
    bool CancelRequested,
    TimeSpan QueueWait = default,
    int Activation = 0,
    bool Rescued = false,
    string? RetryPolicy = null,
    TimeSpan? HeartbeatTimeout = null,
    string? HeartbeatDetails = null)
{
    /// <summary>
    /// The token every write of this claim is fenced by, with the worker id: a workflow's activation, any other
    /// kind's attempt. The SQL side compares the same column by kind (db/0005_workflow_activations.sql).
    /// </summary>
    public int Fence => Kind == ExecutionKind.Workflow ? Activation : Attempt;
}
