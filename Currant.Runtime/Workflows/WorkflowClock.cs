namespace Currant.Workflows;

/// <summary>Workflow time is stored in timestamptz columns: microseconds, so a value reads back exactly as written.</summary>
internal static class WorkflowClock
{
    public static DateTime Now() => Truncate(DateTime.UtcNow);

    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    public static DateTime Later(DateTime current, DateTime? candidate)
        => candidate is { } c && c > current ? c : current;
}
