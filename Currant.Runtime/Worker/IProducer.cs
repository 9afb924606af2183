using Currant.Persistence;

namespace Currant.Worker;

/// <summary>What a runner may ask of the producer that owns the worker's slots (eager dispatch, wake-ups).</summary>
internal interface IProducer
{
    /// <summary>True when this worker claims from <paramref name="queue"/>.</summary>
    bool Serves(string queue);

    /// <summary>
    /// Takes an execution slot for a row this worker is about to insert as already claimed. <paramref name="handedOver"/>:
    /// the caller's own slot ends right after (an activity whose fused step starts its successor), so the slot is
    /// taken even when all are busy; the count is back within MaxConcurrency as soon as the caller returns.
    /// </summary>
    bool TryReserveSlot(bool handedOver = false);

    /// <summary>Gives back a slot taken with <see cref="TryReserveSlot"/> that will not be used.</summary>
    void ReleaseSlot();

    /// <summary>Runs a row this worker inserted as already claimed, on a slot taken with <see cref="TryReserveSlot"/>.</summary>
    void StartReserved(ClaimedExecution row);

    /// <summary>Claim again soon: something of ours became pending.</summary>
    void Wake();

    /// <summary>Claim again after <paramref name="delay"/>: something of ours becomes due then.</summary>
    void WakeIn(TimeSpan delay);
}
