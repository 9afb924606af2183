namespace Currant.Persistence;

/// <summary>What an attempt's heartbeat write found (<see cref="CurrantStore.HeartbeatExecutionAsync"/>).</summary>
internal enum ExecutionBeat
{
    /// <summary>The row is still this attempt's: written.</summary>
    Held,

    /// <summary>Written, and someone asked to cancel the execution.</summary>
    CancelRequested,

    /// <summary>The row is no longer this attempt's (timed out by a sweep, rescued, finished): nothing written.</summary>
    Lost,
}
