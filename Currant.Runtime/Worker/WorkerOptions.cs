namespace Currant;

/// <summary>How a worker claims and runs executions. Defaults come from the <c>CURRANT_WORKER_*</c> variables.</summary>
public sealed record WorkerOptions
{
    /// <summary>The queues this worker serves (default: <c>["default"]</c>).</summary>
    public IReadOnlyList<string> Queues { get; init; } = ["default"];

    /// <summary>Executions run at once; the worker never claims more than its free slots (<c>CURRANT_WORKER_MAX_CONCURRENT</c>, default 16).</summary>
    public int MaxConcurrency { get; init; } = CurrantEnvironment.GetInt("CURRANT_WORKER_MAX_CONCURRENT", 16);

    /// <summary>
    /// Fallback poll when no NOTIFY arrives, jittered ±20% (<c>CURRANT_WORKER_POLL_INTERVAL</c>, default 1 s). Work
    /// due later never waits for it: the worker wakes itself at the next due time it knows of.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = CurrantEnvironment.GetDuration("CURRANT_WORKER_POLL_INTERVAL", TimeSpan.FromSeconds(1));

    /// <summary>How often the worker proves it is alive (<c>CURRANT_WORKER_HEARTBEAT_INTERVAL</c>, default 5 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = CurrantEnvironment.GetDuration("CURRANT_WORKER_HEARTBEAT_INTERVAL", TimeSpan.FromSeconds(5));

    /// <summary>Silence after which any other worker takes a worker's executions back (<c>CURRANT_WORKER_HEARTBEAT_TIMEOUT</c>, default 30 s).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = CurrantEnvironment.GetDuration("CURRANT_WORKER_HEARTBEAT_TIMEOUT", TimeSpan.FromSeconds(30));

    /// <summary>On shutdown, how long in-flight executions may finish before they are cancelled and handed back (<c>CURRANT_WORKER_SHUTDOWN_GRACE</c>, default 30 s).</summary>
    public TimeSpan ShutdownGrace { get; init; } = CurrantEnvironment.GetDuration("CURRANT_WORKER_SHUTDOWN_GRACE", TimeSpan.FromSeconds(30));

    /// <summary>First retry delay; doubles each attempt, with ±25% jitter (default 1 s).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest retry delay (default 10 minutes).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Never LISTEN; wake by polling only (PgBouncer transaction pooling). Due times still wake the worker when it
    /// knows them: from each poll's claim and from its own writes (retries, its workflows' timers).
    /// </summary>
    public bool PollOnly { get; init; }

    /// <summary>
    /// Run an activity's first attempt inside its workflow's activation when this worker serves the activity's queue
    /// (default true): in the workflow's slot, its outcome committed with the workflow's next step, one commit per
    /// step. False: every activity is a row claimed on its own (visible as <c>running</c> while it runs), and its
    /// outcome wakes the workflow. Either way activities are at-least-once and a recorded outcome never runs again.
    /// </summary>
    public bool ActivitiesInActivation { get; init; } = true;

    /// <summary>
    /// Start on this worker, without a claim, what its own client enqueues while a slot is free (default true; Temporal's
    /// eager workflow start): a job or workflow due now, outside a transaction, without an idempotency key or parent,
    /// whose queue is neither paused nor limited and has nothing due waiting. The row is inserted already running
    /// under this worker and starts in memory: no NOTIFY, no claim round trip. Anything else is enqueued as usual.
    /// </summary>
    public bool EagerStart { get; init; } = true;

    /// <summary>
    /// How long a completed execution (with its history, signals and children) is kept before the workers' retention
    /// pass deletes it (<c>CURRANT_RETAIN_COMPLETED</c>, default 7 days; null or "forever": kept forever). Counted from
    /// its completion; a child is kept while its root workflow is, and goes with it.
    /// </summary>
    public TimeSpan? RetainCompleted { get; init; } = CurrantEnvironment.GetRetention("CURRANT_RETAIN_COMPLETED", TimeSpan.FromDays(7));

    /// <summary>
    /// How long a failed or cancelled execution is kept (<c>CURRANT_RETAIN_FAILED</c>, default 30 days; null or
    /// "forever": kept forever). Longer than <see cref="RetainCompleted"/> by default, so failures stay to investigate.
    /// </summary>
    public TimeSpan? RetainFailed { get; init; } = CurrantEnvironment.GetRetention("CURRANT_RETAIN_FAILED", TimeSpan.FromDays(30));

    /// <summary>The average time between retention passes, jittered (tests shorten it).</summary>
    internal TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock for delays and backoff (tests substitute their own).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (Queues.Count == 0)
        {
            throw new ArgumentException("WorkerOptions.Queues must name at least one queue.", nameof(Queues));
        }

        foreach (var queue in Queues)
        {
            Names.CheckQueue(queue, nameof(Queues));
        }

        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "MaxConcurrency must be at least 1.");
        }

        if (PollInterval <= TimeSpan.Zero || HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), "PollInterval and HeartbeatInterval must be positive.");
        }

        if (RetainCompleted < TimeSpan.Zero || RetainFailed < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetainCompleted),
                "RetainCompleted and RetainFailed cannot be negative; use null to keep finished executions forever.");
        }

        if (HeartbeatTimeout <= HeartbeatInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatTimeout), HeartbeatTimeout,
                $"HeartbeatTimeout ({HeartbeatTimeout}) must be longer than HeartbeatInterval ({HeartbeatInterval}), or live workers would be taken for dead.");
        }
    }
}
