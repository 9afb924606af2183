using Currant.Persistence;

namespace Currant.Workflows;

/// <summary>What an activation may run inside itself: activities this worker serves, in the workflow's slot.</summary>
internal interface IActivationActivities
{
    /// <summary>True when <paramref name="child"/> can run here now (this worker serves its queue).</summary>
    bool CanRun(NewChild child);

    /// <summary>The activity's first attempt; the outcome is returned, not written (the workflow records it).</summary>
    Task<Completion> RunAsync(NewChild child);
}
