namespace Currant.Worker;

/// <summary>
/// Keeps a retry loop's log readable during an outage: the first failure of a streak is logged, then at most one
/// every <see cref="Quiet"/>, instead of one stack trace per retry.
/// </summary>
internal sealed class FailureStreak(TimeProvider time)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);
    private DateTimeOffset? _lastLogged;

    /// <summary>Counts a failure; true when this one should be logged.</summary>
    public bool Failed()
    {
        var now = time.GetUtcNow();
        if (_lastLogged is { } last && now - last < Quiet)
        {
            return false;
        }

        _lastLogged = now;
        return true;
    }

    /// <summary>The streak ended: the next failure is logged at once.</summary>
    public void Succeeded() => _lastLogged = null;
}
