using System.Diagnostics;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Maintenance;

/// <summary>
/// Retention without a leader: every worker now and then deletes finished executions past
/// <see cref="WorkerOptions.RetainCompleted"/> / <see cref="WorkerOptions.RetainFailed"/>, with their history and
/// signals (River's job cleaner, Oban's pruner). Small batches, each its own short transaction, locked with SKIP LOCKED,
/// so passes on many workers share the work and never hold up a claim. A pass goes on until nothing past retention is
/// left, resting after each batch as long as the batch took: a large backlog is deleted at most half the time, and the
/// claims and completions of the same server get the other half. The worker's stop ends a pass between batches.
/// </summary>
internal sealed class Cleaner(CurrantStore store, WorkerOptions options, ILogger logger) : IMaintenanceService
{
    /// <summary>Roots per batch: a few thousand rows per transaction with their children, history and signals.</summary>
    internal const int BatchSize = 500;

    public TimeSpan Interval => options.RetentionInterval;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        long roots = 0, executions = 0;
        try
        {
            // Until a batch comes back short: a pass keeps up with any finishing rate up to what the rests allow (a
            // cap per pass made one worker delete at most 10,000 roots a minute, less than a busy queue finishes).
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                var (batchRoots, batchExecutions) = await store.DeleteFinishedAsync(options.RetainCompleted, options.RetainFailed, BatchSize, cancellationToken).ConfigureAwait(false);
                roots += batchRoots;
                executions += batchExecutions;
                if (batchRoots < BatchSize)
                {
                    break;
                }

                await Task.Delay(Stopwatch.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CleanupFailed(logger, ex);
        }

        if (executions > 0)
        {
            Log.CleanedUp(logger, roots, executions);
        }
    }
}
