namespace Currant.Benchmarks;

/// <summary>What the workflows workload measured (see <see cref="WorkflowBenchmark"/>).</summary>
internal sealed record WorkflowResults(
    string Queue,
    int Workflows,
    WorkflowStepKind StepKind,
    int Steps,
    int Callers,
    TimeSpan Elapsed,
    long CompletedInDatabase,
    double WorkflowsPerSecond,
    double StepsPerSecond,
    double SingleP50Ms,
    double SingleP95Ms,
    IReadOnlyList<UnfinishedWorkflow> Unfinished);
