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

    /// <summary>
    /// Tries at the whole execution, 1 for the first. A job's or activity's grows with each retry; a workflow's
    /// grows only when it is retried on request (<c>currant retry</c>, <c>RetryAsync</c>), never by activations.
    /// </summary>
    public int Attempt { get; init; }

    public int MaxAttempts { get; init; }

    /// <summary>
    /// Workflows: how many times a worker has run the workflow's code so far (its start and each wake-up by a child's
    /// result, a signal or a timer). Always 0 for jobs and activities.
    /// </summary>
    public int Activations { get; init; }

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

    /// <summary>
    /// How failed attempts are retried, as stored with the execution (its <see cref="Currant.RetryPolicy.Retries"/> is
    /// <see cref="MaxAttempts"/> − 1); null when the worker's default delays apply.
    /// </summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>A running attempt that sends no heartbeat for this long is timed out and retried; null for none.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>When the last heartbeat was written (heartbeats are throttled), or null.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    /// <summary>The details (JSON) of the last heartbeat, kept across attempts, or null.</summary>
    public string? HeartbeatDetails { get; init; }

    /// <summary>The execution's tags (from <c>Options(tags:)</c> and <c>Workflow.SetTag</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = ExecutionTags.Empty;

    /// <summary>Continue-as-new: the run this one continues, or null for the first run of a chain.</summary>
    public Guid? ContinuedFrom { get; init; }

    /// <summary>
    /// Continue-as-new: the run that continues this one (this run is then completed without a result), or null.
    /// <see cref="ExecutionHandle.GetStatusAsync"/> and <c>GetResultAsync</c> follow it to the last run.
    /// </summary>
    public Guid? ContinuedTo { get; init; }

    /// <summary>True once the execution is completed, failed or cancelled.</summary>
    public bool IsFinished => State is ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled;
}
