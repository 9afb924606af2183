using Currant.Persistence;
using Npgsql;

namespace Currant.Workflows;

/// <summary>
/// Group commit for checkpoints: while one batch is being written, the checkpoints of other workflows queue up and
/// go out together in the next one, so concurrent workflows share a round trip and an fsync instead of paying one
/// each per step. One batch is in flight at a time, so a workflow's checkpoints land in the order it made them.
/// </summary>
internal sealed class StepCommitter(CurrantStore store)
{
    private const int MaxBatch = 128;
    private const int DeadlockRetries = 3;

    private readonly Lock _gate = new();
    private List<Pending> _queue = [];
    private bool _flushing;

    public Task<ActivationOutcome> CommitAsync(Checkpoint checkpoint)
    {
        // Continuations run on the thread that sets the outcome: the checkpointer's are a few assignments and a post to
        // the workflow's scheduler, cheaper than a thread-pool hop per checkpoint.
        var pending = new Pending(checkpoint, new TaskCompletionSource<ActivationOutcome>());
        bool start;
        lock (_gate)
        {
            _queue.Add(pending);
            start = !_flushing;
            _flushing = true;
        }

        // The first batch is sent from the caller's thread (its code awaits this commit anyway); the flush continues
        // on the thread pool from its first await, where later batches go out.
        if (start)
        {
            _ = FlushAsync();
        }

        return pending.Done.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue[..MaxBatch];
                    _queue.RemoveRange(0, MaxBatch);
                }
            }

            await WriteAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        // Workflow rows are locked in one order by every batch (stable: a workflow's checkpoints keep theirs).
        var ordered = batch.OrderBy(p => p.Checkpoint.WorkflowId).ToArray();
        var checkpoints = ordered.Select(p => p.Checkpoint).ToArray();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcomes = await store.CommitCheckpointsAsync(checkpoints, CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < ordered.Length; i++)
                {
                    if (outcomes[i].Refused is { } refused)
                    {
                        ordered[i].Done.SetException(refused);
                    }
                    else
                    {
                        ordered[i].Done.SetResult(outcomes[i].Outcome);
                    }
                }

                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < DeadlockRetries)
            {
                // Another transaction (a child's completion waking a parent) took the same rows in another order.
            }
            catch (Exception ex)
            {
                foreach (var p in ordered)
                {
                    p.Done.SetException(ex);
                }

                return;
            }
        }
    }

    private sealed record Pending(Checkpoint Checkpoint, TaskCompletionSource<ActivationOutcome> Done);
}
