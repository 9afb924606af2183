namespace Currant.Persistence;

/// <summary>A row to insert into <c>currant.executions</c>.</summary>
internal sealed record NewExecution
{
    public required Guid Id { get; init; }
    public required ExecutionKind Kind { get; init; }
    public required string Name { get; init; }
    public required string Queue { get; init; }
    public int Priority { get; init; }
    public required byte[] Arguments { get; init; }
    public int MaxAttempts { get; init; } = 1;
    public TimeSpan? Timeout { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public TimeSpan Delay { get; init; }

    /// <summary>Due as soon as it is committed, so its insert wakes the workers of its queue.</summary>
    public bool DueNow => RunAt is null && Delay <= TimeSpan.Zero;
    public string? IdempotencyKey { get; init; }
    public Guid? ParentId { get; init; }
    public int? ParentSeq { get; init; }
    public string? TraceContext { get; init; }

    /// <summary>The <c>retry_policy</c> jsonb (StoredRetryPolicy), or null for the worker's defaults.</summary>
    public string? RetryPolicy { get; init; }

    /// <summary>A running attempt that sends no heartbeat for this long is timed out; null for none.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>The tags as a jsonb object, or null for none.</summary>
    public string? Tags { get; init; }
}
