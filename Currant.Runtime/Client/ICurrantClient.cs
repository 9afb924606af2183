namespace Currant;

/// <summary>
/// Enqueues executions and reads their state. <see cref="CurrantClient"/> implements it; generated stubs call it.
/// </summary>
public interface ICurrantClient
{
    /// <summary>Options used for every argument and result.</summary>
    System.Text.Json.JsonSerializerOptions SerializerOptions { get; }

    /// <summary>Enqueues one execution of <paramref name="definition"/> with pre-serialized arguments.</summary>
    Task<Guid> EnqueueAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Enqueues many executions in one binary COPY; returns their ids in input order.</summary>
    Task<IReadOnlyList<Guid>> EnqueueManyAsync(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Current state of an execution, or null if no such id exists.</summary>
    Task<ExecutionInfo?> GetExecutionAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Waits until the execution is finished and returns its final record.</summary>
    Task<ExecutionInfo> WaitForCompletionAsync(Guid id, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Requests cancellation. Returns false if the execution had already finished.</summary>
    Task<bool> CancelAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Lists executions, newest first.</summary>
    Task<IReadOnlyList<ExecutionInfo>> ListAsync(ExecutionFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a signal for a workflow (UTF-8 JSON payload, or null) and wakes it. Throws
    /// <see cref="InvalidOperationException"/> when the id names no workflow or one that has finished.
    /// </summary>
    Task SendSignalAsync(Guid workflowId, string name, byte[]? payload, CancellationToken cancellationToken = default)
        => throw new NotSupportedException($"{GetType().Name} does not deliver signals.");

    /// <summary>
    /// Creates or updates the schedule <paramref name="name"/> that enqueues <paramref name="definition"/> with
    /// <paramref name="arguments"/> at each fire time of <paramref name="spec"/>. Generated <c>X.Schedule(…)</c> calls it.
    /// </summary>
    Task<ScheduleInfo> UpsertScheduleAsync(string name, ScheduleSpec spec, ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, CancellationToken cancellationToken = default)
        => throw new NotSupportedException($"{GetType().Name} does not manage schedules.");

    /// <summary>
    /// Asks a workflow's [Query] handler <paramref name="name"/> (arguments as UTF-8 JSON: the value for one
    /// parameter, an array for several) and returns its result JSON. Answered by a live worker of the workflow's
    /// queue, from memory or by a replay; nothing is recorded. Throws <see cref="InvalidOperationException"/> when no
    /// live worker serves the queue and <see cref="TimeoutException"/> when none answers in time.
    /// </summary>
    Task<byte[]?> QueryAsync(Guid workflowId, string name, byte[]? arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException($"{GetType().Name} does not answer queries.");

    /// <summary>
    /// Sends an update to a workflow's [Update] handler <paramref name="name"/> and waits for its result JSON. The
    /// same <paramref name="updateId"/> (default: a new one) always reaches the same update: calling again after a
    /// disconnect returns its result. Throws <see cref="UpdateRejectedException"/> when the validator rejects it and
    /// <see cref="ExecutionFailedException"/> when the handler throws.
    /// </summary>
    Task<byte[]?> UpdateAsync(Guid workflowId, string name, byte[]? arguments, string? updateId = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException($"{GetType().Name} does not take updates.");
}
