namespace Currant.Persistence;

/// <summary>A running execution the database says a worker holds, as its heartbeat reads it back (<see cref="Fence"/>: its claim's fence token).</summary>
internal sealed record HeldExecution(Guid Id, int Fence, bool CancelRequested, bool OlderThanOrphanAge);
