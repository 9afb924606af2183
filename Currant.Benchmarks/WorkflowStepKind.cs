namespace Currant.Benchmarks;

/// <summary>What one step of a bench workflow is.</summary>
internal enum WorkflowStepKind
{
    /// <summary>A queued activity (<see cref="BenchStep"/>): its own execution, claimed and completed by a worker.</summary>
    Activity,

    /// <summary>A no-op <c>Workflow.Step</c> call (<see cref="BenchInlineFlow"/>), run inside the workflow's activation.</summary>
    Inline,
}
