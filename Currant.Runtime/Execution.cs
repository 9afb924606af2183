using Currant.Worker;

namespace Currant;

/// <summary>
/// The running attempt of a job or activity, as its own code sees it: heartbeats with progress details, and the
/// details an earlier attempt left. Valid inside a <c>[Job]</c>'s or <c>[Activity]</c>'s <c>ExecuteAsync</c> (and
/// code it calls in the same async flow); elsewhere, workflow code included, every member throws.
/// </summary>
/// <remarks>
/// Heartbeats are throttled: the first is written at once, later ones at most every 0.8 × the heartbeat timeout (30 s
/// without one, never more than 60 s apart), the last details always. An attempt with a <c>HeartbeatTimeout</c> that
/// sends none for that long is failed as timed out, by its own worker or, when that worker is stuck or dead, by any
/// live worker, and retried while attempts remain; the retry resumes from <see cref="GetHeartbeatDetails{T}"/>.
/// </remarks>
public static class Execution
{
    private static readonly AsyncLocal<AttemptHeartbeat?> _current = new();

    internal static AttemptHeartbeat? Current
    {
        get => _current.Value;
        set => _current.Value = value;
    }

    /// <summary>Tells Currant the attempt is alive (resets its heartbeat timeout) without changing the recorded details.</summary>
    public static void Heartbeat() => Require(nameof(Heartbeat)).Beat(null);

    /// <summary>
    /// Tells Currant the attempt is alive and records <paramref name="details"/> (serialized with the client's JSON
    /// options) as its progress: a retried attempt reads them back with <see cref="GetHeartbeatDetails{T}"/>, and
    /// <c>currant status</c> shows them.
    /// </summary>
    /// <exception cref="ArgumentException">The details cannot be stored (over the payload limit, or a NUL character).</exception>
    public static void Heartbeat<T>(T details)
    {
        var attempt = Require(nameof(Heartbeat));
        attempt.Beat(attempt.SerializeDetails(details));
    }

    /// <summary>
    /// The details of the last heartbeat: this attempt's latest, else the last an earlier attempt recorded; the
    /// default of <typeparamref name="T"/> when there is none.
    /// </summary>
    public static T? GetHeartbeatDetails<T>() => Require(nameof(GetHeartbeatDetails)).ReadDetails<T>();

    /// <summary>True when this or an earlier attempt recorded heartbeat details.</summary>
    public static bool HasHeartbeatDetails => Require(nameof(HasHeartbeatDetails)).Details is not null;

    /// <summary>The running attempt's number, 1 for the first.</summary>
    public static int Attempt => Require(nameof(Attempt)).Attempt;

    private static AttemptHeartbeat Require(string member)
    {
        if (_current.Value is { } current)
        {
            return current;
        }

        if (WorkflowContextAccessor.Current is not null || WorkflowContextAccessor.Step is not null)
        {
            throw new InvalidOperationException(
                $"Execution.{member} is not valid in workflow code: a workflow is durable through its history and never heartbeats. " +
                "Heartbeat from the [Activity] the workflow runs (its ExecuteAsync), or record progress with Workflow.Step.");
        }

        throw new InvalidOperationException(
            $"Execution.{member} can only be used while a worker runs a [Job] or [Activity] (inside its ExecuteAsync, in the same async flow). " +
            "Outside one there is no attempt to heartbeat for.");
    }
}
