namespace Currant.Persistence;

/// <summary>A row this worker now owns for one attempt.</summary>
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
    TimeSpan QueueWait = default);
