using System.Diagnostics;

namespace Currant.Workflows;

/// <summary>
/// Runs workflow code one task at a time, in the order tasks become ready. Every continuation of workflow code
/// comes back here (awaits capture <see cref="TaskScheduler.Current"/>), so the code is single-threaded and replays
/// in the same order every time. While inline steps or checkpoints are outstanding the drain awaits them without
/// holding a thread: a few hundred workflows waiting on their steps must not starve the thread pool (heartbeats and
/// database I/O run there).
/// </summary>
internal sealed class WorkflowScheduler(IWorkflowContext context) : TaskScheduler
{
    private readonly Queue<Task> _ready = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0, int.MaxValue);
    private long _executingSince;

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Stopwatch timestamp when the task now running started, or 0 when none runs.</summary>
    public long ExecutingSince => Interlocked.Read(ref _executingSince);

    protected override void QueueTask(Task task)
    {
        lock (_gate)
        {
            _ready.Enqueue(task);
        }

        _arrived.Release();
    }

    // Never inline: a continuation must not run on a thread-pool thread that completed some I/O.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_gate)
        {
            return _ready.ToArray();
        }
    }

    /// <summary>Wakes <see cref="DrainAsync"/> to look at the busy condition again (outstanding work ended without a continuation).</summary>
    public void Poke() => _arrived.Release();

    /// <summary>Runs every ready task, then waits (asynchronously) for more while <paramref name="busy"/> says work is outstanding.</summary>
    public async Task DrainAsync(Func<bool> busy)
    {
        while (true)
        {
            RunReady();
            if (!busy())
            {
                // Work outstanding posts its continuation before it stops counting as busy: look once more.
                lock (_gate)
                {
                    if (_ready.Count == 0)
                    {
                        return;
                    }
                }

                continue;
            }

            // Inline steps or checkpoints are still running on the thread pool: wait for one to post its continuation.
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }

    private void RunReady()
    {
        WorkflowContextAccessor.Current = context;
        try
        {
            while (true)
            {
                Task? next;
                lock (_gate)
                {
                    if (!_ready.TryDequeue(out next))
                    {
                        return;
                    }
                }

                _arrived.Wait(0);
                Interlocked.Exchange(ref _executingSince, Stopwatch.GetTimestamp());
                TryExecuteTask(next);
                Interlocked.Exchange(ref _executingSince, 0);
            }
        }
        finally
        {
            WorkflowContextAccessor.Current = null;
        }
    }
}
