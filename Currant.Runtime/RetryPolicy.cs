namespace Currant;

/// <summary>
/// How a failed attempt of a job or activity is retried (Temporal's retry policy, in seconds like the attributes):
/// attempt <c>n + 1</c> starts <see cref="InitialDelay"/> × <see cref="BackoffCoefficient"/>^(n − 1) after attempt
/// <c>n</c> failed, at most <see cref="MaximumDelay"/>, with ±25% jitter. A null member keeps the definition's
/// setting, else the worker's default (<see cref="WorkerOptions.RetryBaseDelay"/>, a coefficient of 2,
/// <see cref="WorkerOptions.RetryMaxDelay"/>). "Poll every 60 s": <c>new RetryPolicy(retries: 1000, initialDelay:
/// TimeSpan.FromSeconds(60), backoffCoefficient: 1)</c>. The policy is stored with the execution.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>A policy that sets nothing (every member falls back).</summary>
    public RetryPolicy()
    {
    }

    /// <summary>A policy; null arguments fall back to the definition's, then the worker's, settings.</summary>
    public RetryPolicy(int? retries = null, TimeSpan? initialDelay = null, double? backoffCoefficient = null, TimeSpan? maximumDelay = null,
        IReadOnlyList<string>? nonRetryableErrorTypes = null)
    {
        Retries = retries;
        InitialDelay = initialDelay;
        BackoffCoefficient = backoffCoefficient;
        MaximumDelay = maximumDelay;
        NonRetryableErrorTypes = nonRetryableErrorTypes;
    }

    /// <summary>Retries after the first attempt (attempts = retries + 1); overrides <c>Retries</c> of the attribute.</summary>
    public int? Retries { get; init; }

    /// <summary>The delay before the first retry; zero retries at once.</summary>
    public TimeSpan? InitialDelay { get; init; }

    /// <summary>What each further delay is multiplied by; 1 keeps the delay constant (polling). At least 1.</summary>
    public double? BackoffCoefficient { get; init; }

    /// <summary>The longest delay between attempts; not less than <see cref="InitialDelay"/>.</summary>
    public TimeSpan? MaximumDelay { get; init; }

    /// <summary>
    /// Full names of exception types (<c>"System.IO.FileNotFoundException"</c>) that fail the execution at once;
    /// a thrown exception matches its own type or any base type. Adds to the attribute's <c>NonRetryable</c>.
    /// </summary>
    public IReadOnlyList<string>? NonRetryableErrorTypes { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    internal void Validate(string paramName)
    {
        if (Retries is < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, Retries, "RetryPolicy.Retries cannot be negative.");
        }

        if (InitialDelay is { } initial && initial < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, initial, "RetryPolicy.InitialDelay cannot be negative.");
        }

        if (BackoffCoefficient is { } backoff && !(backoff >= 1 && double.IsFinite(backoff)))
        {
            throw new ArgumentOutOfRangeException(paramName, backoff, "RetryPolicy.BackoffCoefficient must be a finite number of at least 1 (1 keeps the delay constant).");
        }

        if (MaximumDelay is { } maximum && maximum <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, maximum, "RetryPolicy.MaximumDelay must be positive.");
        }

        if (MaximumDelay is { } max && InitialDelay is { } first && max < first)
        {
            throw new ArgumentOutOfRangeException(paramName, max, $"RetryPolicy.MaximumDelay ({max}) cannot be less than its InitialDelay ({first}).");
        }

        foreach (var type in NonRetryableErrorTypes ?? [])
        {
            if (string.IsNullOrWhiteSpace(type))
            {
                throw new ArgumentException("RetryPolicy.NonRetryableErrorTypes cannot hold an empty type name.", paramName);
            }
        }
    }

    /// <summary>This policy's members where set, else <paramref name="fallback"/>'s (non-retryable types from both).</summary>
    internal RetryPolicy Over(RetryPolicy? fallback) => fallback is null ? this : new RetryPolicy
    {
        Retries = Retries ?? fallback.Retries,
        InitialDelay = InitialDelay ?? fallback.InitialDelay,
        BackoffCoefficient = BackoffCoefficient ?? fallback.BackoffCoefficient,
        // A call's longer initial delay outranks the definition's maximum (the worker's maximum never shortens it).
        MaximumDelay = MaximumDelay ?? (fallback.MaximumDelay is { } m && InitialDelay is { } i && m < i ? null : fallback.MaximumDelay),
        NonRetryableErrorTypes = (NonRetryableErrorTypes, fallback.NonRetryableErrorTypes) switch
        {
            (null, var f) => f,
            (var t, null) => t,
            var (t, f) => [.. f.Concat(t).Distinct(StringComparer.Ordinal)],
        },
    };
}
