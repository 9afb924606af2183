namespace Currant;

/// <summary>A snapshot of one execution row.</summary>
public sealed record ExecutionInfo
{
    public required Guid Id { get; init; }
    public required ExecutionKind Kind { get; init; }
    public required string Name { get; init; }
    public required string Queue { get; init; }
    public required ExecutionState State { get; init; }
    public int Priority { get; init; }
    public int Attempt { get; init; }
    public int MaxAttempts { get; init; }
    public string? Arguments { get; init; }
    public string? Result { get; init; }
    public ExecutionError? Error { get; init; }
    public DateTimeOffset ScheduledAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public Guid? WorkerId { get; init; }
    public Guid? ParentId { get; init; }
    public string? IdempotencyKey { get; init; }
    public bool CancelRequested { get; init; }

    /// <summary>True once the execution is completed, failed or cancelled.</summary>
    public bool IsFinished => State is ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled;
}
