namespace Currant.Persistence;

/// <summary>
/// What every run of a schedule is enqueued as: the columns of the execution insert that do not change from run to
/// run (<see cref="RetryPolicy"/> is StoredRetryPolicy jsonb, <see cref="Tags"/> a jsonb object; null for none).
/// </summary>
internal sealed record ScheduleTemplate(
    string Target, ExecutionKind Kind, string Queue, int Priority, string ArgumentsJson, int MaxAttempts, int? TimeoutMs,
    string? RetryPolicy = null, int? HeartbeatTimeoutMs = null, string? Tags = null)
{
    /// <summary>The execution one fire time enqueues, keyed <paramref name="idempotencyKey"/>, in the caller's trace when there is one.</summary>
    public NewExecution ToExecution(Guid id, string idempotencyKey) => new()
    {
        Id = id,
        Kind = Kind,
        Name = Target,
        Queue = Queue,
        Priority = Priority,
        Arguments = System.Text.Encoding.UTF8.GetBytes(ArgumentsJson),
        MaxAttempts = MaxAttempts,
        Timeout = TimeoutMs is { } t ? TimeSpan.FromMilliseconds(t) : null,
        IdempotencyKey = idempotencyKey,
        TraceContext = System.Diagnostics.Activity.Current?.Id,
        RetryPolicy = RetryPolicy,
        HeartbeatTimeout = HeartbeatTimeoutMs is { } h ? TimeSpan.FromMilliseconds(h) : null,
        Tags = Tags,
    };
}
