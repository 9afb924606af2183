namespace Currant.Testing;

/// <summary>What <see cref="WorkflowReplayer"/> found, one result per workflow replayed.</summary>
public sealed class ReplayReport
{
    internal ReplayReport(IReadOnlyList<WorkflowReplayResult> workflows) => Workflows = workflows;

    /// <summary>Every workflow replayed, in the order they were read.</summary>
    public IReadOnlyList<WorkflowReplayResult> Workflows { get; }

    /// <summary>The workflows a worker of this build would park (or never run).</summary>
    public IReadOnlyList<WorkflowReplayResult> WouldPark => [.. Workflows.Where(w => w.WouldPark)];

    /// <summary>The first divergence found, or null when every replayed workflow matched its history.</summary>
    public ReplayDivergence? Nondeterminism => Workflows.Select(w => w.Nondeterminism).FirstOrDefault(n => n is not null);

    /// <summary>True when no workflow would be parked.</summary>
    public bool Succeeded => Workflows.All(w => !w.WouldPark);

    /// <summary>One line per workflow.</summary>
    public override string ToString() => Workflows.Count == 0
        ? "No workflows replayed."
        : string.Join(Environment.NewLine, Workflows.Select(w => w.ToString()));
}
