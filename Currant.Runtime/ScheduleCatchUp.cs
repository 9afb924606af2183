namespace Currant;

/// <summary>What a schedule does with fire times that passed while no worker of its queue was running.</summary>
public enum ScheduleCatchUp
{
    /// <summary>Enqueue only the latest missed fire time (Hangfire's default), then carry on from now.</summary>
    Latest,

    /// <summary>Enqueue every missed fire time within the catch-up window, oldest first (Temporal's backfill).</summary>
    All,
}
