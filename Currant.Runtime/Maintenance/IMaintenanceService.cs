namespace Currant.Maintenance;

/// <summary>
/// A maintenance role: work every worker does now and then, without a leader (failover rescue today; the cleaner
/// and the scheduler plug in beside it). Each pass must be safe to run on many workers at once.
/// </summary>
internal interface IMaintenanceService
{
    /// <summary>The average time between passes; each worker jitters it so passes spread out.</summary>
    TimeSpan Interval { get; }

    /// <summary>One pass. Logs and swallows its own failures; the next pass tries again.</summary>
    Task RunOnceAsync(CancellationToken cancellationToken);
}
