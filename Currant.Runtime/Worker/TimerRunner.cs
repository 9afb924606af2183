using Currant.Persistence;

namespace Currant.Worker;

/// <summary>A due timer has nothing to run: completing it records the outcome in its workflow and wakes it.</summary>
internal sealed class TimerRunner(ICompleter completer) : IExecutionRunner
{
    public Task RunAsync(ClaimedExecution row)
        => completer.CompleteAsync(new Completion(row.Id, row.Fence, ExecutionState.Completed, null, null, null, false), row.Name).AsTask();
}
