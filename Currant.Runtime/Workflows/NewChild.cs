namespace Currant.Workflows;

/// <summary>
/// An execution an activation starts: activity, child workflow, timer or queued job. <see cref="Ran"/>: an activity
/// that already ran inside the activation; it is written with that attempt's outcome.
/// </summary>
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
    bool Eager,
    RanAttempt? Ran = null);

/// <summary>
/// The first attempt of an activity run inside its workflow's activation: finished (completed, failed, cancelled), or
/// pending when it is to be retried after the child's <see cref="NewChild.Delay"/> (or handed back at shutdown).
/// </summary>
internal sealed record RanAttempt(ExecutionState State, string? Result, string? Error, DateTime StartedAt, bool Spent);
