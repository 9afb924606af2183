namespace Currant;

/// <summary>The life cycle of an execution. Persisted as lower-case text.</summary>
public enum ExecutionState
{
    /// <summary>Waiting to be claimed (possibly not before <c>scheduled_at</c>).</summary>
    Pending,

    /// <summary>Claimed by a worker and running.</summary>
    Running,

    /// <summary>A workflow waiting on children, timers or signals; no worker is held.</summary>
    Suspended,

    /// <summary>Finished with a result.</summary>
    Completed,

    /// <summary>Failed for good (retries exhausted or a non-retryable error).</summary>
    Failed,

    /// <summary>Cancelled on request.</summary>
    Cancelled,
}
