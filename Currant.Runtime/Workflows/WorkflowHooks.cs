namespace Currant.Workflows;

/// <summary>What the workflow runner may ask of the worker that owns it.</summary>
internal sealed class WorkflowHooks(Func<string, bool> serves, Func<bool> tryReserveSlot, Action releaseSlot, Action<Persistence.ClaimedExecution> startEager, Action wake)
{
    public bool Serves(string queue) => serves(queue);

    public bool TryReserveSlot() => tryReserveSlot();

    public void ReleaseSlot() => releaseSlot();

    /// <summary>Runs an execution this worker inserted as already claimed (its slot is reserved).</summary>
    public void StartEager(Persistence.ClaimedExecution row) => startEager(row);

    /// <summary>Claim again soon: something of ours became pending.</summary>
    public void Wake() => wake();
}
