using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Maintenance;

/// <summary>
/// Heartbeat timeouts without a leader: every worker now and then fails the running attempts that sent no heartbeat
/// within their <c>HeartbeatTimeout</c>, whoever runs them, so a stuck or dead worker's attempt is retried elsewhere.
/// Row-locked (SKIP LOCKED) and idempotent, so many workers sweeping at once is harmless.
/// </summary>
internal sealed class HeartbeatSweeper(CurrantStore store, WorkerOptions options, ILogger logger) : IMaintenanceService
{
    // As often as the worker's own heartbeat: a timeout is noticed within about one interval (5 s by default).
    public TimeSpan Interval => options.HeartbeatInterval;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var timedOut = await store.SweepHeartbeatsAsync(options.RetryBaseDelay, options.RetryMaxDelay, cancellationToken).ConfigureAwait(false);
            if (timedOut > 0)
            {
                Log.HeartbeatsTimedOut(logger, timedOut);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HeartbeatSweepFailed(logger, ex);
        }
    }
}
