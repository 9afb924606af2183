using Currant.Persistence;

namespace Currant;

/// <summary>
/// Queue controls that hold across every worker (<c>client.Queues</c>, <c>currant queues …</c>): pause and resume a
/// queue, and cap how many of its executions run at once. Enforced by the workers' claim statement.
/// </summary>
public sealed class CurrantQueues
{
    private readonly CurrantStore _store;

    internal CurrantQueues(CurrantStore store) => _store = store;

    /// <summary>
    /// Workers stop claiming from <paramref name="queue"/> (what runs now finishes; enqueues are still accepted).
    /// Pausing a queue no worker has seen yet is allowed: it starts paused.
    /// </summary>
    public Task PauseAsync(string queue, CancellationToken cancellationToken = default)
    {
        Names.CheckQueue(queue, nameof(queue));
        return _store.UpdateQueueAsync(queue, paused: true, maxConcurrency: null, cancellationToken);
    }

    /// <summary>Workers claim from <paramref name="queue"/> again (and are woken at once).</summary>
    public Task ResumeAsync(string queue, CancellationToken cancellationToken = default)
    {
        Names.CheckQueue(queue, nameof(queue));
        return _store.UpdateQueueAsync(queue, paused: false, maxConcurrency: null, cancellationToken);
    }

    /// <summary>
    /// At most <paramref name="maxConcurrency"/> executions of <paramref name="queue"/> run at once across all
    /// workers (claimed rows count, including those a worker holds ahead of running them); null removes the limit.
    /// Lowering it below what runs now lets those finish and claims nothing until the queue is under the limit.
    /// </summary>
    public Task SetLimitAsync(string queue, int? maxConcurrency, CancellationToken cancellationToken = default)
    {
        Names.CheckQueue(queue, nameof(queue));
        if (maxConcurrency is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency,
                "A queue's concurrency limit is at least 1; pass null to remove it, or pause the queue to stop it.");
        }

        return _store.UpdateQueueAsync(queue, paused: null, maxConcurrency ?? 0, cancellationToken);
    }

    /// <summary>The queues with a setting or with pending or running executions, by name.</summary>
    public Task<IReadOnlyList<QueueInfo>> ListAsync(CancellationToken cancellationToken = default) => _store.ListQueuesAsync(cancellationToken);
}
