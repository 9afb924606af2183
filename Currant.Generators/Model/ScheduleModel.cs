namespace Currant.Generators.Model;

/// <summary>A class's <c>[Schedule]</c>, as written (the analyzers check the expression and time zone).</summary>
/// <param name="Cron">The cron expression.</param>
/// <param name="TimeZone">The time zone id, or null for UTC.</param>
/// <param name="Overlap">The <c>ScheduleOverlap</c> member name.</param>
/// <param name="CatchUp">The <c>ScheduleCatchUp</c> member name.</param>
/// <param name="CatchUpWindowSeconds">The catch-up window in seconds; 0 for no limit.</param>
internal sealed record ScheduleModel(string Cron, string? TimeZone, string Overlap, string CatchUp, int CatchUpWindowSeconds);
