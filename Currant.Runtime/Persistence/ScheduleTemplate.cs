namespace Currant.Persistence;

/// <summary>What every run of a schedule is enqueued as.</summary>
internal sealed record ScheduleTemplate(string Target, ExecutionKind Kind, string Queue, int Priority, string ArgumentsJson, int MaxAttempts, int? TimeoutMs);
