using Currant.Persistence;

namespace Currant.Worker;

/// <summary>Takes an activity's outcome straight to its workflow when that workflow waits in this worker's memory.</summary>
internal interface IActivityFuser
{
    /// <summary>True when the outcome was committed together with the workflow's next activation; false to complete it the ordinary way.</summary>
    Task<bool> TryFuseAsync(ClaimedExecution child, Completion completion);
}

/// <summary>Runs an activity inside its workflow's activation (the workflow waits in the same slot and records the outcome).</summary>
internal interface IActivityExecutor
{
    /// <summary>One attempt of <paramref name="row"/>; cancelling <paramref name="workflowId"/> cancels it too. The outcome is not written.</summary>
    Task<Completion> RunInActivationAsync(ClaimedExecution row, Guid workflowId);
}
