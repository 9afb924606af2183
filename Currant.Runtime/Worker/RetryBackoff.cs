using Currant.Persistence;

namespace Currant.Worker;

/// <summary>
/// Exponential backoff with ±25% jitter, so retries of a failed batch do not arrive together. The SQL twin,
/// <c>currant.retry_delay</c> (db/0009), computes the same for attempts the heartbeat sweep times out.
/// </summary>
internal static class RetryBackoff
{
    public static TimeSpan Compute(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
        => Compute(attempt, null, baseDelay, maxDelay);

    /// <summary>The delay after failed attempt <paramref name="attempt"/> under <paramref name="policy"/>; its unset members take the worker's defaults.</summary>
    public static TimeSpan Compute(int attempt, StoredRetryPolicy? policy, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var initial = policy?.InitialDelay ?? baseDelay.TotalSeconds;
        var backoff = Math.Max(1, policy?.Backoff ?? 2);
        var maximum = policy?.MaxDelay ?? Math.Max(maxDelay.TotalSeconds, policy?.InitialDelay ?? 0);
        if (initial <= 0 || maximum <= 0)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Max(attempt - 1, 0);
        // Infinity when it overflows, which Min turns into the maximum.
        var raw = Math.Min(initial * Math.Pow(backoff, exponent), maximum);
        var jitter = 0.75 + (Random.Shared.NextDouble() * 0.5);
        return TimeSpan.FromSeconds(Math.Min(raw * jitter, TimeSpan.MaxValue.TotalSeconds / 2));
    }
}
