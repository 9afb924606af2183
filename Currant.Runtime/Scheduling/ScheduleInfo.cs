namespace Currant;

/// <summary>A schedule as stored: what it enqueues, when, and what it did last.</summary>
public sealed record ScheduleInfo
{
    /// <summary>The schedule's name (for a <c>[Schedule]</c> attribute, the execution name).</summary>
    public required string Name { get; init; }

    /// <summary>The execution name it enqueues.</summary>
    public required string Target { get; init; }

    /// <summary>Job or workflow.</summary>
    public required ExecutionKind Kind { get; init; }

    /// <summary>The queue its runs go to; workers of this queue fire it.</summary>
    public required string Queue { get; init; }

    /// <summary>The arguments of every run, as JSON (an array).</summary>
    public required string ArgumentsJson { get; init; }

    /// <summary>The cron expression, time zone and policies.</summary>
    public required ScheduleSpec Spec { get; init; }

    /// <summary>True when it came from a <c>[Schedule]</c> attribute (workers keep it in step with the code).</summary>
    public bool FromAttribute { get; init; }

    /// <summary>A paused schedule does not fire (a trigger still enqueues a run).</summary>
    public bool Paused { get; init; }

    /// <summary>The next fire time; null when the expression has none left.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The newest fire time that enqueued a run.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The run the overlap policy looks at: the last one enqueued.</summary>
    public Guid? LastExecutionId { get; init; }

    /// <summary>A fire time held by <see cref="ScheduleOverlap.BufferOne"/> until the last run ends.</summary>
    public DateTimeOffset? BufferedAt { get; init; }

    /// <summary>When the schedule was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its definition or state last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
