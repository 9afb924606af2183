namespace Currant.Testing;

/// <summary>What replaying one workflow's history against the code found.</summary>
public enum ReplayOutcome
{
    /// <summary>The code makes the recorded calls in the recorded order: the workflow would carry on.</summary>
    Compatible,

    /// <summary>The code parts from its history (<see cref="WorkflowReplayResult.Nondeterminism"/> says where): it would be parked.</summary>
    Nondeterministic,

    /// <summary>The code held its thread without yielding during replay: it would be parked as blocked.</summary>
    Blocked,

    /// <summary>This build registers no workflow of that name: no worker of it would run the workflow.</summary>
    NotRegistered,

    /// <summary>
    /// The code threw while replaying its history (arguments that no longer deserialize, an exception the new code
    /// raises): the workflow would fail. Not a replay incompatibility by itself, so not counted by <see cref="ReplayReport.WouldPark"/>.
    /// </summary>
    Failed,
}
