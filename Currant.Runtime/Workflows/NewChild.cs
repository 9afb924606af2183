namespace Currant.Workflows;

/// <summary>An execution an activation starts: activity, child workflow, timer or queued job.</summary>
internal sealed record NewChild(
    Guid Id,
    ExecutionKind Kind,
    string Name,
    string Queue,
    int Priority,
    string Arguments,
    int MaxAttempts,
    TimeSpan? Timeout,
    TimeSpan Delay,
    int? ParentSeq,
    string? IdempotencyKey,
    bool Eager);
