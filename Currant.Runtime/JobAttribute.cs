namespace Currant;

/// <summary>
/// Marks a partial class as a background job (Celery style). The class exposes one
/// <c>ExecuteAsync(...)</c> method; the source generator writes static <c>Queue</c>, <c>Options</c>
/// and <c>QueueMany</c> stubs whose parameters mirror it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JobAttribute : Attribute
{
    /// <summary>The persisted execution name; defaults to the class name. Renaming it orphans stored executions.</summary>
    public string? Name { get; set; }

    /// <summary>The queue the job is enqueued on; defaults to <c>"default"</c>.</summary>
    public string? Queue { get; set; }

    /// <summary>Retries after the first attempt; -1 means the client default (<c>CURRANT_DEFAULT_RETRIES</c>, 3).</summary>
    public int Retries { get; set; } = -1;

    /// <summary>Timeout of one attempt in seconds; 0 means the client default (<c>CURRANT_DEFAULT_TIMEOUT</c>).</summary>
    public int Timeout { get; set; }

    /// <summary>Default priority; higher runs first.</summary>
    public int Priority { get; set; }

    /// <summary>Seconds before the first retry (default: the worker's <c>RetryBaseDelay</c>, 1 s); 0 retries at once. Unset: -1.</summary>
    public double RetryDelay { get; set; } = -1;

    /// <summary>What each further retry delay is multiplied by (default 2); 1 keeps it constant ("poll every RetryDelay seconds"). Unset: -1.</summary>
    public double RetryBackoff { get; set; } = -1;

    /// <summary>The longest retry delay in seconds (default: the worker's <c>RetryMaxDelay</c>, 10 minutes). Unset: -1.</summary>
    public double RetryMaxDelay { get; set; } = -1;

    /// <summary>
    /// Seconds a running attempt may go without <c>Execution.Heartbeat(...)</c> before any live worker fails it as
    /// timed out (and retries it while attempts remain); 0 means no heartbeat timeout.
    /// </summary>
    public double HeartbeatTimeout { get; set; }

    /// <summary>Exception types that fail the job at once instead of being retried.</summary>
    public Type[]? NonRetryable { get; set; }

    /// <summary>
    /// The name of an <c>ExecuteAsync</c> parameter whose value limits concurrency: at most <see cref="MaxConcurrency"/>
    /// executions with the same value run at once, across all workers (checked at compile time, CUR2060). Enforced by
    /// the claim: a row whose key is at its limit waits, and others are claimed past it.
    /// </summary>
    public string? ConcurrencyKey { get; set; }

    /// <summary>With <see cref="ConcurrencyKey"/>: how many executions per key value may run at once (at least 1).</summary>
    public int MaxConcurrency { get; set; }
}
