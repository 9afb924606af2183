namespace Currant.Testing;

/// <summary>The replay of one workflow's history.</summary>
/// <param name="WorkflowId">The workflow's id.</param>
/// <param name="Name">The workflow's persisted name.</param>
/// <param name="Outcome">What the replay found.</param>
/// <param name="Nondeterminism">Where the code parted from the history (with <see cref="ReplayOutcome.Nondeterministic"/>).</param>
/// <param name="Error">Why the replay could not go on (with <see cref="ReplayOutcome.Blocked"/>, <see cref="ReplayOutcome.NotRegistered"/> and <see cref="ReplayOutcome.Failed"/>).</param>
public sealed record WorkflowReplayResult(Guid WorkflowId, string Name, ReplayOutcome Outcome, ReplayDivergence? Nondeterminism = null, string? Error = null)
{
    /// <summary>True when a worker of this build would park the workflow or never run it.</summary>
    public bool WouldPark => Outcome is ReplayOutcome.Nondeterministic or ReplayOutcome.Blocked or ReplayOutcome.NotRegistered;

    /// <summary>One line naming the workflow and what was found.</summary>
    public override string ToString() => Outcome switch
    {
        ReplayOutcome.Compatible => $"{Name} {WorkflowId}: compatible",
        ReplayOutcome.Nondeterministic => $"{Name} {WorkflowId}: would park: {Nondeterminism}",
        ReplayOutcome.Blocked => $"{Name} {WorkflowId}: would park: {Error}",
        ReplayOutcome.NotRegistered => $"{Name} {WorkflowId}: not registered in this build",
        _ => $"{Name} {WorkflowId}: would fail: {Error}",
    };
}
