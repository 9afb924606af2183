namespace Currant.Workflows;

/// <summary>
/// An execution an activation starts: activity, child workflow, timer or queued job. <see cref="Ran"/>: an activity
/// that already ran inside the activation; it is written with that attempt's outcome. <see cref="RetryPolicy"/> and
/// <see cref="HeartbeatTimeout"/>: as <c>NewExecution</c>'s.
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
    RanAttempt? Ran = null,
    string? RetryPolicy = null,
    TimeSpan? HeartbeatTimeout = null);

/// <summary>
/// The first attempt of an activity run inside its workflow's activation: finished (completed, failed, cancelled), or
/// pending when it is to be retried after the child's <see cref="NewChild.Delay"/> (or handed back at shutdown).
/// <see cref="HeartbeatDetails"/>: what its last <c>Execution.Heartbeat</c> carried, for the retried attempt.
/// </summary>
internal sealed record RanAttempt(ExecutionState State, string? Result, string? Error, DateTime StartedAt, bool Spent, string? HeartbeatDetails = null);
