namespace Currant;

/// <summary>
/// Runs a parameterless <c>[Job]</c> or <c>[Workflow]</c> on a cron schedule. The schedule is named after the
/// execution and is created or updated in the database when a worker serving its queue starts; a worker that starts
/// without the attribute on a class it knows deletes that schedule again. Each fire time is enqueued exactly once
/// across all workers. The expression and time zone are checked at compile time (CUR2050, CUR2051).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ScheduleAttribute(string cron) : Attribute
{
    /// <summary>
    /// A cron expression (Cronos syntax): five fields (minute hour day-of-month month day-of-week), six with seconds
    /// first, or a macro such as <c>@daily</c>.
    /// </summary>
    public string Cron { get; } = cron;

    /// <summary>The IANA time zone the expression is read in (DST included); defaults to <c>"UTC"</c>.</summary>
    public string? TimeZone { get; set; }

    /// <summary>What a fire time does while the previous run is still pending or running; defaults to <see cref="ScheduleOverlap.Skip"/>.</summary>
    public ScheduleOverlap Overlap { get; set; }

    /// <summary>What a worker does with fire times missed while no worker ran; defaults to <see cref="ScheduleCatchUp.Latest"/>.</summary>
    public ScheduleCatchUp CatchUp { get; set; }

    /// <summary>Fire times missed by more than this many seconds are dropped; 0 (the default) means no limit.</summary>
    public int CatchUpWindow { get; set; }
}
