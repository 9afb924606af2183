namespace Currant;

/// <summary>
/// When a schedule fires and what it does about overlaps and missed fire times. A string converts to a spec with
/// that cron expression and the defaults, so <c>X.Schedule("name", "*/15 * * * *", …)</c> reads naturally.
/// </summary>
/// <param name="Cron">Five cron fields, six with seconds first, or a macro such as <c>@hourly</c> (Cronos syntax).</param>
public sealed record ScheduleSpec(string Cron)
{
    /// <summary>The IANA time zone the expression is read in; DST transitions follow it.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>What a fire time does while the previous run is still pending or running.</summary>
    public ScheduleOverlap Overlap { get; init; }

    /// <summary>What happens to fire times missed while no worker of the queue ran.</summary>
    public ScheduleCatchUp CatchUp { get; init; }

    /// <summary>Fire times missed by more than this are dropped; null means no limit.</summary>
    public TimeSpan? CatchUpWindow { get; init; }

    /// <summary>A spec with <paramref name="cron"/> and the defaults (UTC, skip overlaps, latest missed fire time only).</summary>
    public static implicit operator ScheduleSpec(string cron) => new(cron);

    /// <summary>A spec with <paramref name="cron"/> and the defaults.</summary>
    public static ScheduleSpec FromString(string cron) => new(cron);
}
