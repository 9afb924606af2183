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
    IReadOnlyList<NewHistoryRow> History,
    IReadOnlyList<NewChild> Children,
    IReadOnlyList<SignalConsumption> Consumed,
    string? TraceContext);
