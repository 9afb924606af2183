using Currant.Persistence;

namespace Currant.Worker;

/// <summary>Takes an activity's outcome straight to its workflow when that workflow waits in this worker's memory.</summary>
internal interface IActivityFuser
{
    /// <summary>True when the outcome was committed together with the workflow's next activation; false to complete it the ordinary way.</summary>
    Task<bool> TryFuseAsync(ClaimedExecution child, Completion completion);
}
