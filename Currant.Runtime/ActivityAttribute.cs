namespace Currant;

/// <summary>
/// Marks a partial class as a workflow activity: a step a workflow calls with the generated static
/// <c>Run(...)</c>. Its <c>ExecuteAsync(...)</c> runs on any worker, at least once, and its result is recorded.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute : Attribute
{
    /// <summary>The persisted execution name; defaults to the class name.</summary>
    public string? Name { get; set; }

    /// <summary>The queue the activity runs on; defaults to the calling workflow's queue.</summary>
    public string? Queue { get; set; }

    /// <summary>Retries after the first attempt; -1 means the client default.</summary>
    public int Retries { get; set; } = -1;

    /// <summary>Timeout of one attempt in seconds; 0 means the client default.</summary>
    public int Timeout { get; set; }

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

    /// <summary>Exception types that fail the activity at once instead of being retried.</summary>
    public Type[]? NonRetryable { get; set; }
}
