using System.Text.Json;

namespace Currant.Persistence;

/// <summary>
/// The <c>retry_policy</c> column (db/0009): the delays in seconds, as <c>currant.retry_delay</c> reads them, and the
/// non-retryable type names. Null members take the worker's defaults when an attempt fails.
/// </summary>
internal sealed record StoredRetryPolicy(double? InitialDelay, double? Backoff, double? MaxDelay, string[]? NonRetryable)
{
    /// <summary>The jsonb text for <paramref name="policy"/>, or null when it sets nothing the column keeps.</summary>
    public static string? Serialize(RetryPolicy? policy)
    {
        if (policy is null || (policy.InitialDelay is null && policy.BackoffCoefficient is null && policy.MaximumDelay is null
            && policy.NonRetryableErrorTypes is not { Count: > 0 }))
        {
            return null;
        }

        var stored = new StoredRetryPolicy(policy.InitialDelay?.TotalSeconds, policy.BackoffCoefficient, policy.MaximumDelay?.TotalSeconds,
            policy.NonRetryableErrorTypes is { Count: > 0 } types ? [.. types] : null);
        return JsonSerializer.Serialize(stored, InternalJsonContext.Default.StoredRetryPolicy);
    }

    /// <summary>The column's value; null for NULL or anything unreadable (the worker's defaults then apply).</summary>
    public static StoredRetryPolicy? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, InternalJsonContext.Default.StoredRetryPolicy);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="exception"/>'s type or a base type is named in <see cref="NonRetryable"/>.</summary>
    public bool IsNonRetryable(Exception exception)
    {
        if (NonRetryable is not { Length: > 0 } names)
        {
            return false;
        }

        for (var type = exception.GetType(); type is not null; type = type.BaseType)
        {
            if (Array.IndexOf(names, type.FullName) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The policy as the caller wrote it (for status output).</summary>
    public RetryPolicy ToPolicy(int maxAttempts) => new()
    {
        Retries = Math.Max(0, maxAttempts - 1),
        InitialDelay = InitialDelay is { } i ? TimeSpan.FromSeconds(i) : null,
        BackoffCoefficient = Backoff,
        MaximumDelay = MaxDelay is { } m ? TimeSpan.FromSeconds(m) : null,
        NonRetryableErrorTypes = NonRetryable,
    };
}
