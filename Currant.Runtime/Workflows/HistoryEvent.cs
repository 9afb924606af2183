namespace Currant.Workflows;

/// <summary>
/// One recorded step of a workflow, as replay reads it. <see cref="CompletedAt"/> is the workflow time its outcome
/// brings (replay sets the workflow clock to it where the first run did).
/// </summary>
internal sealed record HistoryEvent(int Seq, string Kind, string Name, string State, Guid? ChildId, string? Result, string? Error, long? Order, DateTime? CompletedAt = null)
{
    public const string Scheduled = "scheduled";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>The row at sequence 0: when the workflow first ran (its clock before any outcome arrived).</summary>
    public const string StartKind = Persistence.SharedNames.StartHistoryKind;
}
