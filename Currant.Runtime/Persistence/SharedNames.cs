using System.Globalization;

namespace Currant.Persistence;

/// <summary>
/// Strings that SQL and C# must spell the same: notification channels, internal timer names and the error types
/// the database writes or matches. Queries interpolate these constants; the migrations (frozen text) are checked
/// against them by a test.
/// </summary>
internal static class SharedNames
{
    /// <summary>Payload: a queue name. Something became claimable there.</summary>
    public const string PendingChannel = "currant_pending";

    /// <summary>
    /// Payload: <c>'&lt;worker id&gt; &lt;json array&gt;'</c>, a row inserted already running under that worker
    /// (<c>ExecutionQueries.InsertHandOff</c>, db/0017), read by <see cref="HandOff.TryRead"/>.
    /// </summary>
    public const string HandOffChannel = "currant_handoff";

    /// <summary>Payload: comma-separated ids of executions that finished.</summary>
    public const string FinishedChannel = "currant_finished";

    /// <summary>Payload: the id of a running execution someone asked to cancel.</summary>
    public const string CancelChannel = "currant_cancel";

    /// <summary>
    /// Payload: <c>'&lt;queue&gt; &lt;milliseconds&gt;'</c>. Work in that queue becomes due that many milliseconds
    /// after the notification was sent (rounded up, never negative). Sent by <c>currant.notify_due</c> (db/0004),
    /// read by <see cref="TryParseDue"/>.
    /// </summary>
    public const string DueChannel = "currant_due";

    /// <summary>Reads a <see cref="DueChannel"/> payload; false for anything else.</summary>
    public static bool TryParseDue(string payload, out string queue, out TimeSpan dueIn)
    {
        // Queue names hold no spaces (Names.QueueRule), so the last one separates the delay.
        var space = payload.LastIndexOf(' ');
        if (space > 0 && long.TryParse(payload.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            queue = payload[..space];
            dueIn = TimeSpan.FromMilliseconds(Math.Min(milliseconds, (long)TimeSpan.MaxValue.TotalMilliseconds));
            return true;
        }

        queue = "";
        dueIn = default;
        return false;
    }

    /// <summary>The history row (seq 0) holding when a workflow first ran; <c>currant history</c> leaves it out.</summary>
    public const string StartHistoryKind = "start";

    /// <summary>The timer that ends a workflow that outlived its timeout.</summary>
    public const string WorkflowTimeoutTimer = "workflow-timeout";

    /// <summary>The timer that ends a signal wait with a TimeoutException.</summary>
    public const string SignalTimeoutTimer = "signal-timeout";

    /// <summary>The timer that ends a <c>Workflow.WaitUntil</c> with a timeout (false).</summary>
    public const string WaitUntilTimer = "wait-until";

    /// <summary>History kind: a signal delivered to a [Signal] handler (db/0007).</summary>
    public const string SignalHandledKind = "signal-handled";

    /// <summary>History kind: an update accepted and run by its [Update] handler (db/0007).</summary>
    public const string UpdateKind = "update";

    /// <summary>History kind: a signal workflow code sent to another workflow.</summary>
    public const string SignalSentKind = "signal-sent";

    /// <summary>Payload: <c>'&lt;query id&gt; &lt;workflow id&gt; &lt;queue&gt;'</c>. A query waits for a worker of that queue (db/0007).</summary>
    public const string QueryChannel = "currant_query";

    /// <summary>Written by the failover rescue into the rows of a silent worker.</summary>
    public const string WorkerLostError = "Currant.WorkerLostException";

    /// <summary>Written when PostgreSQL refused an outcome (a \u0000 in a string, an oversized value).</summary>
    public const string UnstorableValueError = "Currant.UnstorableValueException";

    /// <summary>A workflow whose activation could not be committed for a reason that will not pass.</summary>
    public const string ActivationRefusedError = "Currant.ActivationRefusedException";

    /// <summary>A parked workflow: its replay no longer matched its history.</summary>
    public const string NondeterminismError = "Currant.NondeterminismException";

    /// <summary>A parked workflow: its code blocked its thread.</summary>
    public const string WorkflowBlockedError = "Currant.WorkflowBlockedException";

    /// <summary>The history row of a cancel request a workflow's code sees (db/0008, currant.cancel_tree).</summary>
    public const string CancelHistoryKind = "cancel";

    /// <summary>
    /// The sequence number of <see cref="CancelHistoryKind"/>: outside the steps (counting up from 1) and the versions
    /// (counting down from -1). db/0008 writes it as a literal.
    /// </summary>
    public const int CancelSeq = -2_000_000_000;
}
