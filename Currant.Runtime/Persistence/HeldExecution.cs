namespace Currant.Persistence;

/// <summary>A running execution the database says a worker holds, as its heartbeat reads it back.</summary>
internal sealed record HeldExecution(Guid Id, int Attempt, bool CancelRequested, bool OlderThanOrphanAge);
