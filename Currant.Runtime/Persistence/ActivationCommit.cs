using Currant.Workflows;

namespace Currant.Persistence;

/// <summary>Everything one workflow activation writes, in one transaction.</summary>
internal sealed record ActivationCommit(
    Guid WorkflowId,
    Guid WorkerId,
    int Attempt,
    int SeenWakeCount,
    ExecutionState State,
    string? Result,
    string? Error,
    ActivationCommands Commands,
    string? TraceContext);

/// <summary>
/// The commands a running workflow made so far, committed while it keeps running (before its next inline step
/// starts), fenced like an activation's commit.
/// </summary>
internal sealed record Checkpoint(Guid WorkflowId, Guid WorkerId, int Attempt, ActivationCommands Commands, string? TraceContext);
