using Currant.Workflows;

namespace Currant.Persistence;

/// <summary>Everything one workflow activation writes, in one transaction, fenced by (worker, <see cref="ClaimedExecution.Fence"/>).</summary>
internal sealed record ActivationCommit(
    Guid WorkflowId,
    Guid WorkerId,
    int Fence,
    int SeenWakeCount,
    ExecutionState State,
    string? Result,
    string? Error,
    ActivationCommands Commands,
    string? TraceContext,
    FusedOutcome? Fused = null,
    bool CancelTimers = true)
{
    /// <summary>Continue-as-new: the run that replaces this one (which then completes without a result).</summary>
    public Continuation? ContinueAs { get; init; }

    /// <summary>Tags set by <c>Workflow.SetTag</c> in this activation, as a jsonb object merged into the row's; null for none.</summary>
    public string? Tags { get; init; }

    /// <summary>The code read <c>Workflow.CancellationToken</c>: a cancel request now reaches it (db/0008).</summary>
    public bool MarkHandlesCancel { get; init; }
}

/// <summary>
/// The commands a running workflow made so far, committed while it keeps running (before its next inline step
/// starts), fenced like an activation's commit.
/// </summary>
internal sealed record Checkpoint(Guid WorkflowId, Guid WorkerId, int Fence, ActivationCommands Commands, string? TraceContext, FusedOutcome? Fused = null);

/// <summary>
/// An activity's outcome delivered to its workflow in this worker's memory (fused step): the commit that carries it
/// also takes the suspended workflow (as it was left, <see cref="PreviousFence"/> and <see cref="SeenWakeCount"/>),
/// records the outcome in its history and completes the activity, so a step costs one commit and no
/// NOTIFY → claim → load hop.
/// </summary>
internal sealed record FusedOutcome(Guid ChildId, int ChildAttempt, int Seq, ExecutionState State, string? Result, string? Error, DateTime At, int PreviousFence, int SeenWakeCount);
