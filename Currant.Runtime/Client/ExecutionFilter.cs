namespace Currant;

/// <summary>What <see cref="ICurrantClient.ListAsync"/> returns.</summary>
public sealed record ExecutionFilter
{
    /// <summary>Only this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only this state.</summary>
    public ExecutionState? State { get; init; }

    /// <summary>Only this kind.</summary>
    public ExecutionKind? Kind { get; init; }

    /// <summary>Only this execution name.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Whether internal <c>timer</c> rows (durable sleeps and signal timeouts of workflows) are listed (default true).
    /// A <see cref="Kind"/> filter wins: <c>Kind = Timer</c> lists them whatever this says.
    /// </summary>
    public bool IncludeTimers { get; init; } = true;

    /// <summary>Only executions holding every one of these tags (an index lookup: executions_tags_idx).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>At most this many rows (default 50).</summary>
    public int Limit { get; init; } = 50;
}
