namespace Currant.Workflows;

/// <summary>A history row an activation appends (scheduled, or already completed for inline steps).</summary>
internal sealed record NewHistoryRow(int Seq, string Kind, string Name, string State, Guid? ChildId, string? Result, string? Error);
