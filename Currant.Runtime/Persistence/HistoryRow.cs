namespace Currant;

/// <summary>One step of a workflow's history, as <c>currant history</c> shows it.</summary>
public sealed record HistoryRow(
    int Seq,
    string Kind,
    string Name,
    string State,
    Guid? ChildId,
    string? Result,
    ExecutionError? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    string? ChildState,
    int? ChildAttempts);
