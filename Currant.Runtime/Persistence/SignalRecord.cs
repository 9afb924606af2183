namespace Currant.Persistence;

/// <summary>A signal a workflow received; <paramref name="ConsumedSeq"/> is the step that took it (null: waiting).</summary>
internal sealed record SignalRecord(long Id, string Name, string? Payload, DateTimeOffset ReceivedAt, int? ConsumedSeq);
