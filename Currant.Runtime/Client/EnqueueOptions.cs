using Npgsql;

namespace Currant;

/// <summary>Per-call settings for <c>Options(...)</c>. Null means the definition's (or the client's) default.</summary>
public sealed record EnqueueOptions
{
    /// <summary>Queue to use instead of the definition's.</summary>
    public string? Queue { get; init; }

    /// <summary>Priority; higher runs first.</summary>
    public int? Priority { get; init; }

    /// <summary>Start no earlier than this long from now.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Start no earlier than this instant.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>A second enqueue with the same key returns the first execution instead of a new one.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Retries after the first attempt.</summary>
    public int? Retries { get; init; }

    /// <summary>How failed attempts are retried; its set members override the definition's (jobs and activities).</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>A running attempt that sends no heartbeat for this long is timed out and retried (jobs and activities).</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>Enqueue inside this transaction: the execution exists only if it commits.</summary>
    public NpgsqlTransaction? Transaction { get; init; }

    /// <summary>The client to use instead of <see cref="CurrantClient.Default"/>.</summary>
    public ICurrantClient? Client { get; init; }

    /// <summary>
    /// Tags (string key → string value) stored with the execution, to find it by business keys with
    /// <see cref="ExecutionFilter.Tags"/> or <c>currant list --tag key=value</c>. A workflow adds more with <c>Workflow.SetTag</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
