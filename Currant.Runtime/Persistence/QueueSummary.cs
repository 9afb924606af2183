namespace Currant.Persistence;

/// <summary>One queue on the dashboard's overview. <paramref name="Pending"/> stops at the count cap.</summary>
internal sealed record QueueSummary(string Queue, long Pending, long Running, TimeSpan? OldestPendingAge, long CompletedLastHour, long FailedLastHour);
