using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>
/// The only door from workflow code to the outside world. Every member is deterministic under replay: durable
/// calls are recorded the first time and read back afterwards; times, ids and random numbers derive from what is
/// recorded, without a history entry of their own.
/// Calling any member outside a running workflow throws <see cref="InvalidOperationException"/>.
/// </summary>
public static class Workflow
{
    /// <summary>The id of the running workflow execution.</summary>
    public static Guid Id => Context("Workflow.Id").WorkflowId;

    /// <summary>True while the workflow is re-executing recorded history.</summary>
    public static bool IsReplaying => Context("Workflow.IsReplaying").IsReplaying;

    /// <summary>
    /// Workflow time (UTC): when the workflow first ran, advanced to the time recorded with each outcome it is woken
    /// by (an activity, a timer, a signal) and each inline step that finishes. Replay reads the same values at the
    /// same points; reading it takes no place in history, so adding or moving a read never breaks a running workflow.
    /// </summary>
    public static DateTime UtcNow => Context("Workflow.UtcNow").UtcNow;

    /// <summary>A random number generator seeded from the workflow id: the same numbers on every replay.</summary>
    public static Random Random => Context("Workflow.Random").Random;

    /// <summary>A logger that stays quiet while the workflow replays.</summary>
    public static ILogger Logger => Context("Workflow.Logger").Logger;

    /// <summary>A new GUID, the same one on every replay.</summary>
    public static Guid NewGuid() => Context("Workflow.NewGuid()").NewGuid();

    /// <summary>A durable timer: no worker is held while it runs and it survives restarts.</summary>
    public static Task Sleep(TimeSpan duration) => Context("Workflow.Sleep(...)").SleepAsync(duration);

    /// <summary>
    /// Waits for the next signal named <paramref name="name"/> (signals are buffered on arrival and consumed once,
    /// in order). Throws <see cref="TimeoutException"/> inside the workflow when <paramref name="timeout"/> passes first.
    /// </summary>
    public static Task<T> WaitForSignal<T>(string name, TimeSpan? timeout = null)
    {
        Names.CheckSignalName(name, nameof(name));
        return Context("Workflow.WaitForSignal(...)").WaitForSignalAsync<T>(name, timeout);
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds: it is checked whenever the workflow's state may have changed
    /// (a signal or update handler ran, an outcome arrived). Returns true when it holds, false when
    /// <paramref name="timeout"/> (a durable timer) passes first. The condition must only read workflow state.
    /// </summary>
    public static Task<bool> WaitUntil(Func<bool> condition, TimeSpan timeout) => Context("Workflow.WaitUntil(...)").WaitUntilAsync(condition, timeout);

    /// <summary>Waits until <paramref name="condition"/> holds, however long that takes (no timer).</summary>
    public static Task WaitUntil(Func<bool> condition) => Context("Workflow.WaitUntil(...)").WaitUntilAsync(condition, null);

    /// <summary>
    /// Branches safely on a code change: returns <paramref name="maxSupported"/> (and records it) the first time new
    /// code passes this point, the recorded version on replay, and <paramref name="minSupported"/> for histories
    /// that passed this point before the change existed.
    /// </summary>
    public static int GetVersion(string changeId, int minSupported, int maxSupported) => Context("Workflow.GetVersion(...)").GetVersion(changeId, minSupported, maxSupported);

    /// <summary>
    /// Runs <paramref name="step"/> once, as ordinary code (no Workflow.* inside), and records its result; replay
    /// returns the recorded value. The result is committed before the next step starts, so a finished step never runs again.
    /// </summary>
    public static Task<T> Step<T>(string name, Func<CancellationToken, Task<T>> step) => Context("Workflow.Step(...)").StepAsync(name, step);

    /// <summary>Runs <paramref name="step"/> once and records that it ran; replay skips it.</summary>
    public static Task Step(string name, Func<CancellationToken, Task> step)
        => Context("Workflow.Step(...)").StepAsync<bool>(name, async ct =>
        {
            await step(ct).ConfigureAwait(true);
            return true;
        });

    /// <summary>
    /// Fires when the workflow is cancelled (<c>CancelAsync</c>, <c>currant cancel</c>, the dashboard), at a point
    /// recorded in its history, so replay sees it at the same place. Once the code has read this token, a cancel no
    /// longer ends the workflow at once: the token fires, every durable call still waiting throws
    /// <see cref="OperationCanceledException"/>, and the code may run clean-up steps and activities before it lets the
    /// exception end the run as cancelled. A second cancel request ends it at once.
    /// </summary>
    public static CancellationToken CancellationToken => Context("Workflow.CancellationToken").CancellationToken;

    /// <summary>
    /// Sets a tag on this workflow (stored with its next commit; replay sets the same value again), to find it with
    /// <see cref="ExecutionFilter.Tags"/> or <c>currant list --tag key=value</c>. A later value replaces an earlier one.
    /// </summary>
    public static void SetTag(string key, string value) => Context("Workflow.SetTag(...)").SetTag(key, value);

    private static IWorkflowContext Context(string member) => WorkflowContextAccessor.Require(member);
}
