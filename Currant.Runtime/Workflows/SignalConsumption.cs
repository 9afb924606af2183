namespace Currant.Workflows;

/// <summary>
/// A buffered signal consumed by the wait at <see cref="Seq"/>; <see cref="WaitWasScheduled"/> when that wait was
/// recorded earlier (its outcome then arrives at <see cref="At"/>, the signal's arrival).
/// </summary>
internal sealed record SignalConsumption(long SignalId, int Seq, string? Payload, bool WaitWasScheduled, DateTime At);
