using System;

namespace Currant.Generators.Model;

/// <summary>
/// The retry delays and heartbeat timeout a <c>[Job]</c> or <c>[Activity]</c> attribute sets, in seconds; null where it
/// sets none or an invalid value (negative, a backoff under 1: the analyzers report those, CUR2040).
/// </summary>
internal sealed record RetryModel(double? RetryDelay, double? RetryBackoff, double? RetryMaxDelay, double? HeartbeatTimeout)
{
    /// <summary>Seconds a TimeSpan holds comfortably (about 3,000 years); larger values are clamped to it.</summary>
    private const double MaxSeconds = 1e11;

    /// <summary>The valid settings of the attribute's raw values, or null when none is set.</summary>
    public static RetryModel? From(double? delay, double? backoff, double? maxDelay, double? heartbeatTimeout)
    {
        delay = delay is { } d && d >= 0 && !double.IsNaN(d) ? Math.Min(d, MaxSeconds) : null;
        backoff = backoff is { } b && b >= 1 && !double.IsInfinity(b) ? b : null;
        maxDelay = maxDelay is { } m && m > 0 && !double.IsNaN(m) && (delay is null || m >= delay) ? Math.Min(m, MaxSeconds) : null;
        heartbeatTimeout = heartbeatTimeout is { } h && h > 0 && !double.IsNaN(h) ? Math.Min(h, MaxSeconds) : null;
        return delay is null && backoff is null && maxDelay is null && heartbeatTimeout is null ? null : new RetryModel(delay, backoff, maxDelay, heartbeatTimeout);
    }

    public bool HasPolicy => RetryDelay is not null || RetryBackoff is not null || RetryMaxDelay is not null;
}
