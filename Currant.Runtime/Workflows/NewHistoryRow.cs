namespace Currant.Workflows;

/// <summary>
/// A history row an activation appends (scheduled, or already completed for inline steps). <see cref="CompletedAt"/>
/// is the workflow time the row records, when the worker chose it (a step's end, the start); otherwise the commit's.
/// </summary>
internal sealed record NewHistoryRow(int Seq, string Kind, string Name, string State, Guid? ChildId, string? Result, string? Error, DateTime? CompletedAt = null);
