namespace Currant.Workflows;

/// <summary>Workflow time is stored in timestamptz columns: microseconds, so a value reads back exactly as written.</summary>
internal static class WorkflowClock
{
    public static DateTime Now() => Truncate(DateTime.UtcNow);

    /// <summary>
    /// Now by the worker's <see cref="WorkerOptions.TimeProvider"/>: the system clock in production, a clock that
    /// skips ahead in Currant.Testing's environment (whose database's now() skips with it).
    /// </summary>
    public static DateTime Now(TimeProvider time) => Truncate(time.GetUtcNow().UtcDateTime);

    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    public static DateTime Later(DateTime current, DateTime? candidate)
        => candidate is { } c && c > current ? c : current;
}
