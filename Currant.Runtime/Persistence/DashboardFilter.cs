namespace Currant.Persistence;

/// <summary>The filters of the dashboard's executions page and of its bulk actions; null means "any".</summary>
internal sealed record DashboardFilter
{
    public ExecutionKind? Kind { get; init; }

    public string? Name { get; init; }

    public ExecutionState? State { get; init; }

    /// <summary>Only parked workflows (suspended with an error: replay no longer matched the history).</summary>
    public bool Parked { get; init; }

    public string? Queue { get; init; }

    /// <summary>Created at or after (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Created before (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    public Guid? Id { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Only executions holding every one of these tags (executions_tags_idx); null or empty: any.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
