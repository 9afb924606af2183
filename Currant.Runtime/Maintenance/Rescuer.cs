using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Maintenance;

/// <summary>
/// Failover without a leader: every worker periodically returns the running executions of workers whose heartbeat
/// went stale. The statement is idempotent and row-locked, so several workers running it at once is harmless.
/// </summary>
internal sealed class Rescuer(CurrantStore store, TimeSpan heartbeatInterval, TimeSpan heartbeatTimeout, ILogger logger) : IMaintenanceService
{
    public TimeSpan Interval => heartbeatInterval;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rescued = await store.RescueAsync(heartbeatTimeout, cancellationToken).ConfigureAwait(false);
            if (rescued > 0)
            {
                Log.Rescued(logger, rescued);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RescueFailed(logger, ex);
        }
    }
}
