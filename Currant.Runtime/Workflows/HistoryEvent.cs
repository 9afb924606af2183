namespace Currant.Workflows;

/// <summary>One recorded step of a workflow, as replay reads it.</summary>
internal sealed record HistoryEvent(int Seq, string Kind, string Name, string State, Guid? ChildId, string? Result, string? Error, long? Order)
{
    public const string Scheduled = "scheduled";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
