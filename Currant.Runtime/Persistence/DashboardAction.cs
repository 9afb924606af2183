namespace Currant.Persistence;

/// <summary>One row of the dashboard's audit trail (db/0012): who did what, when, and how it ended.</summary>
internal sealed record DashboardAction(long Id, DateTimeOffset At, string Actor, string Action, Guid? ExecutionId, string? Detail, string Outcome);
