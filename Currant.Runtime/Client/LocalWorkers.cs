using System.Text;
using Currant.Persistence;

namespace Currant;

/// <summary>
/// The workers a client started in this process, while they run. An enqueue asks those that take eager starts
/// (<see cref="WorkerOptions.EagerStart"/>), in start order, for a free slot on the row's queue before it inserts the
/// row; a wait for an outcome asks whether the execution runs here (<see cref="RunningHere"/>).
/// </summary>
internal sealed class LocalWorkers
{
    private readonly Lock _gate = new();
    private CurrantWorker[] _workers = [];

    public void Add(CurrantWorker worker)
    {
        lock (_gate)
        {
            _workers = [.. _workers, worker];
        }
    }

    public void Remove(CurrantWorker worker)
    {
        lock (_gate)
        {
            _workers = Array.FindAll(_workers, w => !ReferenceEquals(w, worker));
        }
    }

    /// <summary>
    /// True when a worker of this process holds <paramref name="id"/> and its run there has not ended: the end of that
    /// run wakes the client's waiters for it (<see cref="CurrantClient"/>), whatever the listener hears.
    /// </summary>
    public bool RunningHere(Guid id)
    {
        foreach (var worker in Volatile.Read(ref _workers))
        {
            if (worker.RunningHere(id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A worker that reserved a slot for <paramref name="row"/>, or null (the row is enqueued as usual).</summary>
    public CurrantWorker? Reserve(NewExecution row)
    {
        foreach (var worker in Volatile.Read(ref _workers))
        {
            if (worker.TryReserveEagerStart(row.Queue))
            {
                return worker;
            }
        }

        return null;
    }

    /// <summary><paramref name="row"/> as the claim would have returned it, inserted running: attempt 1, a workflow on activation 1.</summary>
    public static ClaimedExecution Claimed(NewExecution row) => new(
        row.Id, row.Kind, row.Name, row.Queue, Encoding.UTF8.GetString(row.Arguments), Attempt: 1, row.MaxAttempts,
        Stored(row.Timeout), ParentId: null, ParentSeq: null, row.TraceContext, CancelRequested: false,
        Activation: row.Kind == ExecutionKind.Workflow ? 1 : 0, RetryPolicy: row.RetryPolicy, HeartbeatTimeout: Stored(row.HeartbeatTimeout));

    /// <summary>A duration as the row stores it (whole milliseconds, at least one), so the run sees what a claim would read.</summary>
    private static TimeSpan? Stored(TimeSpan? value)
        => CurrantStore.ToMilliseconds(value) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
