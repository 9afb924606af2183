namespace Currant.Workflows;

/// <summary>A buffered signal consumed by the wait at <see cref="Seq"/>; <see cref="WaitWasScheduled"/> when that wait was recorded earlier.</summary>
internal sealed record SignalConsumption(long SignalId, int Seq, string? Payload, bool WaitWasScheduled);
