namespace Currant;

/// <summary>A queue as <see cref="CurrantQueues.ListAsync"/> reports it.</summary>
/// <param name="Name">The queue.</param>
/// <param name="Paused">Whether workers have stopped claiming from it.</param>
/// <param name="MaxConcurrency">How many of its executions may run at once across all workers; null: no limit.</param>
/// <param name="Pending">Executions waiting (due or not).</param>
/// <param name="Running">Executions claimed by a worker now.</param>
public sealed record QueueInfo(string Name, bool Paused, int? MaxConcurrency, long Pending, long Running);
