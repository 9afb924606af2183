namespace Currant.Testing;

/// <summary>
/// The environment's clock as its worker sees it: the system clock plus the time skipped so far. Only wall time
/// moves; timestamps and timers stay on the system's monotonic clock, so a skip never makes the worker's own
/// delays (polls, heartbeats, the wake alarm) fire early or late: what skips is what the database schedules.
/// </summary>
internal sealed class SkippingTimeProvider : TimeProvider
{
    private long _skippedTicks;

    public TimeSpan Skipped => TimeSpan.FromTicks(Interlocked.Read(ref _skippedTicks));

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Skipped;

    public void Skip(TimeSpan span) => Interlocked.Add(ref _skippedTicks, span.Ticks);
}
