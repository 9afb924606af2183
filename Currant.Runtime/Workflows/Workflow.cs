using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>
/// The only door from workflow code to the outside world. Every member is deterministic under replay:
/// times, ids and random numbers are recorded the first time and read back afterwards.
/// Calling any member outside a running workflow throws <see cref="InvalidOperationException"/>.
/// </summary>
public static class Workflow
{
    /// <summary>The id of the running workflow execution.</summary>
    public static Guid Id => Current.WorkflowId;

    /// <summary>True while the workflow is re-executing recorded history.</summary>
    public static bool IsReplaying => Current.IsReplaying;

    /// <summary>The current time, recorded in history so replay sees the same value.</summary>
    public static DateTime UtcNow => Current.UtcNow;

    /// <summary>A random number generator seeded from history.</summary>
    public static Random Random => Current.Random;

    /// <summary>A logger that stays quiet while the workflow replays.</summary>
    public static ILogger Logger => Current.Logger;

    /// <summary>A new GUID, the same one on every replay.</summary>
    public static Guid NewGuid() => Current.NewGuid();

    /// <summary>A durable timer: no worker is held while it runs and it survives restarts.</summary>
    public static Task Sleep(TimeSpan duration) => Current.SleepAsync(duration);

    /// <summary>
    /// Waits for the next signal named <paramref name="name"/> (signals are buffered on arrival and consumed once,
    /// in order). Throws <see cref="TimeoutException"/> inside the workflow when <paramref name="timeout"/> passes first.
    /// </summary>
    public static Task<T> WaitForSignal<T>(string name, TimeSpan? timeout = null)
    {
        Names.CheckSignalName(name, nameof(name));
        return Current.WaitForSignalAsync<T>(name, timeout);
    }

    /// <summary>
    /// Branches safely on a code change: returns <paramref name="maxSupported"/> (and records it) the first time new
    /// code passes this point, the recorded version on replay, and <paramref name="minSupported"/> for histories
    /// that passed this point before the change existed.
    /// </summary>
    public static int GetVersion(string changeId, int minSupported, int maxSupported) => Current.GetVersion(changeId, minSupported, maxSupported);

    /// <summary>Runs <paramref name="step"/> once and records its result; replay returns the recorded value.</summary>
    public static Task<T> Step<T>(string name, Func<CancellationToken, Task<T>> step) => Current.StepAsync(name, step);

    /// <summary>Runs <paramref name="step"/> once and records that it ran; replay skips it.</summary>
    public static Task Step(string name, Func<CancellationToken, Task> step)
        => Current.StepAsync<bool>(name, async ct =>
        {
            await step(ct).ConfigureAwait(true);
            return true;
        });

    private static IWorkflowContext Current => WorkflowContextAccessor.Current ?? throw new InvalidOperationException(
        "Workflow.* can only be used inside a workflow's RunAsync (on the workflow scheduler). " +
        "Move this call into a [Workflow] class, or use the regular .NET API outside workflows.");
}
