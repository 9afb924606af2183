namespace Currant.Persistence;

/// <summary>
/// One queue on the dashboard's queues page: its settings (paused, limit; <paramref name="UpdatedAt"/> null when no
/// one has set them) and its work. <paramref name="Pending"/> stops at the count cap.
/// </summary>
internal sealed record QueueControl(string Queue, bool Paused, int? MaxConcurrency, long Pending, long Running, DateTimeOffset? UpdatedAt);
