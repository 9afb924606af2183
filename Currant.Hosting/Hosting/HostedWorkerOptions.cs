namespace Currant.Hosting;

/// <summary>
/// Settings of a worker added with <c>AddWorker(...)</c>, bound from <c>Currant:Worker</c> (or
/// <c>Currant:Workers:{name}</c> for a named worker) before the delegate runs. Unset values keep the
/// <see cref="WorkerOptions"/> defaults, which read the <c>CURRANT_WORKER_*</c> variables.
/// </summary>
public sealed class HostedWorkerOptions
{
    /// <summary>Creates options holding the <see cref="WorkerOptions"/> defaults.</summary>
    public HostedWorkerOptions()
    {
        var defaults = new WorkerOptions();
        Queues = [.. defaults.Queues];
        MaxConcurrency = defaults.MaxConcurrency;
        PollInterval = defaults.PollInterval;
        HeartbeatInterval = defaults.HeartbeatInterval;
        HeartbeatTimeout = defaults.HeartbeatTimeout;
        ShutdownGrace = defaults.ShutdownGrace;
        RetryBaseDelay = defaults.RetryBaseDelay;
        RetryMaxDelay = defaults.RetryMaxDelay;
        PollOnly = defaults.PollOnly;
        RetainCompleted = defaults.RetainCompleted;
        RetainFailed = defaults.RetainFailed;
    }

    /// <summary>The queues this worker serves (default: <c>["default"]</c>). In configuration, an array or "a,b".</summary>
    public IList<string> Queues { get; set; }

    /// <summary>Executions run at once.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>Fallback poll when no NOTIFY arrives.</summary>
    public TimeSpan PollInterval { get; set; }

    /// <summary>How often the worker proves it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; }

    /// <summary>Silence after which other workers take this worker's executions back.</summary>
    public TimeSpan HeartbeatTimeout { get; set; }

    /// <summary>
    /// On shutdown, how long in-flight executions may finish before they are cancelled and handed back. The host's
    /// shutdown timeout ends the wait too, whichever comes first: keep this below it so handing back fits inside.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; }

    /// <summary>First retry delay; doubles each attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; }

    /// <summary>Largest retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; }

    /// <summary>Never LISTEN; wake by polling only.</summary>
    public bool PollOnly { get; set; }

    /// <summary>How long completed executions are kept (<c>Currant:Worker:RetainCompleted</c>; null or "forever": always).</summary>
    public TimeSpan? RetainCompleted { get; set; }

    /// <summary>How long failed and cancelled executions are kept (<c>Currant:Worker:RetainFailed</c>; null or "forever": always).</summary>
    public TimeSpan? RetainFailed { get; set; }

    /// <summary>The <see cref="WorkerOptions"/> these settings describe (validated when the worker starts).</summary>
    public WorkerOptions ToWorkerOptions(TimeProvider? timeProvider = null) => new()
    {
        Queues = [.. Queues],
        MaxConcurrency = MaxConcurrency,
        PollInterval = PollInterval,
        HeartbeatInterval = HeartbeatInterval,
        HeartbeatTimeout = HeartbeatTimeout,
        ShutdownGrace = ShutdownGrace,
        RetryBaseDelay = RetryBaseDelay,
        RetryMaxDelay = RetryMaxDelay,
        PollOnly = PollOnly,
        RetainCompleted = RetainCompleted,
        RetainFailed = RetainFailed,
        TimeProvider = timeProvider ?? TimeProvider.System,
    };
}
