using System.Diagnostics;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Maintenance;

/// <summary>
/// Retention without a leader: every worker now and then deletes finished executions past
/// <see cref="WorkerOptions.RetainCompleted"/> / <see cref="WorkerOptions.RetainFailed"/>, with their history and
/// signals (River's job cleaner, Oban's pruner). Small batches, each its own short transaction, locked with SKIP LOCKED,
/// so passes on many workers share the work and never hold up a claim. After each batch the pass rests as long as the
/// batch took, so a large backlog is deleted at most half the time and the claims and completions of the same server
/// get the other half.
/// </summary>
internal sealed class Cleaner(CurrantStore store, WorkerOptions options, ILogger logger) : IMaintenanceService
{
    /// <summary>Roots per batch: a few thousand rows per transaction with their children, history and signals.</summary>
    internal const int BatchSize = 500;

    /// <summary>Batches per pass, so one pass over a large backlog cannot run for long; the next pass goes on.</summary>
    internal const int MaxBatchesPerPass = 20;

    public TimeSpan Interval => options.RetentionInterval;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        long roots = 0, executions = 0;
        try
        {
            for (var i = 0; i < MaxBatchesPerPass; i++)
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
