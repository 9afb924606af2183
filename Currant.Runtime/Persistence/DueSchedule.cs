namespace Currant.Persistence;

/// <summary>A due schedule as a scheduler pass locked it (times in UTC, <paramref name="Now"/> the database's).</summary>
internal sealed record DueSchedule(
    string Name,
    ScheduleTemplate Template,
    string Cron,
    string TimeZone,
    ScheduleOverlap Overlap,
    ScheduleCatchUp CatchUp,
    TimeSpan? CatchUpWindow,
    DateTime? NextRunAt,
    DateTime? BufferedAt,
    DateTime? LastRunAt,
    Guid? LastExecutionId,
    bool PreviousActive,
    DateTime Now);
