namespace Currant.Testing;

/// <summary>Which workflows of a database <see cref="WorkflowReplayer"/> replays.</summary>
public sealed record ReplayFilter
{
    /// <summary>Only workflows of this name (default: all).</summary>
    public string? Name { get; init; }

    /// <summary>Only this workflow.</summary>
    public Guid? Id { get; init; }

    /// <summary>
    /// Also replay finished workflows (completed, failed, cancelled). Default: only those in flight (pending, running,
    /// suspended), the ones a deploy would carry on.
    /// </summary>
    public bool IncludeFinished { get; init; }

    /// <summary>At most this many workflows per state, newest first (default 10,000).</summary>
    public int Limit { get; init; } = 10_000;

    /// <summary>The container workflow classes are created from, when their constructors take services (default: none).</summary>
    public IServiceProvider? Services { get; init; }
}
