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
    IReadOnlyList<NewHistoryRow> History,
    IReadOnlyList<NewChild> Children,
    IReadOnlyList<SignalConsumption> Consumed,
    string? TraceContext);
