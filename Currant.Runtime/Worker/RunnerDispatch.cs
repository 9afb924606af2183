using Currant.Persistence;

namespace Currant.Worker;

/// <summary>Routes a claimed row to the runner of its kind.</summary>
internal sealed class RunnerDispatch(IExecutionRunner jobs, IExecutionRunner timers) : IExecutionRunner
{
    /// <summary>The workflow runner; set once it exists (it needs the producer, which needs this dispatch).</summary>
    public IExecutionRunner? Workflows { get; set; }

    public Task RunAsync(ClaimedExecution row) => row.Kind switch
    {
        ExecutionKind.Timer => timers.RunAsync(row),
        // A workflow name this build does not know goes to the job runner, which fails it with a readable error.
        ExecutionKind.Workflow when Workflows is { } workflows && ExecutionRegistry.TryGet(row.Name, out var d) && d.Kind == ExecutionKind.Workflow
            => workflows.RunAsync(row),
        _ => jobs.RunAsync(row),
    };
}
