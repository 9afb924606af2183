using System.Globalization;
using System.Text;

namespace Currant.CommandLine;

/// <summary>The human form of executions (plain text, so it pipes and logs cleanly).</summary>
internal static class ExecutionText
{
    public static string Details(ExecutionInfo e)
    {
        var b = new StringBuilder();
        void Line(string label, object? value) => b.Append(CultureInfo.InvariantCulture, $"{label,-12} {value}\n");
        Line("id", e.Id);
        Line("kind", e.Kind.ToString().ToLowerInvariant());
        Line("name", e.Name);
        Line("queue", e.Queue);
        Line("state", e.State.ToString().ToLowerInvariant() + (e.CancelRequested && !e.IsFinished ? " (cancel requested)" : ""));
        Line("attempt", $"{e.Attempt} of {e.MaxAttempts}");
        if (e.Kind == ExecutionKind.Workflow)
        {
            Line("activations", e.Activations);
        }

        Line("priority", e.Priority);
        Line("arguments", ArgumentRedaction.Redact(e.Name, e.Arguments));
        Line("created", Format(e.CreatedAt));
        Line("scheduled", Format(e.ScheduledAt));
        Line("started", Format(e.StartedAt));
        Line("completed", Format(e.CompletedAt));
        if (e.WorkerId is { } worker)
        {
            Line("worker", worker);
        }

        if (e.ParentId is { } parent)
        {
            Line("parent", parent);
        }

        if (e.IdempotencyKey is { } key)
        {
            Line("key", key);
        }

        // Retry policy and heartbeats (jobs and activities, DESIGN §2.1).
        if (e.RetryPolicy is { } policy)
        {
            Line("retry", RetryText(policy));
        }

        if (e.HeartbeatTimeout is { } heartbeatTimeout)
        {
            Line("heartbeat", $"timeout {Seconds(heartbeatTimeout)}");
        }

        if (e.HeartbeatAt is { } beat)
        {
            Line("last beat", Format(beat) + (e.HeartbeatDetails is { } details ? "  " + details : ""));
        }

        if (e.Tags.Count > 0)
        {
            Line("tags", string.Join(", ", e.Tags.Select(t => $"{t.Key}={t.Value}")));
        }

        if (e.ContinuedFrom is { } from)
        {
            Line("continues", from);
        }

        if (e.ContinuedTo is { } to)
        {
            Line("continued", $"as new: {to} (the chain's result is that run's; 'currant history' lists the runs)");
        }

        if (e.Result is { } result)
        {
            Line("result", result);
        }

        if (e.Error is { } error)
        {
            Line("error", $"{error.Type}: {error.Message}");
        }

        return b.ToString().TrimEnd('\n');
    }

    /// <summary>"delay 60 s, backoff x1, max 10 min, non-retryable: A, B"; unset parts are the worker's defaults and left out.</summary>
    private static string RetryText(RetryPolicy policy)
    {
        var parts = new List<string>();
        if (policy.InitialDelay is { } delay)
        {
            parts.Add("delay " + Seconds(delay));
        }

        if (policy.BackoffCoefficient is { } backoff)
        {
            parts.Add("backoff x" + backoff.ToString(CultureInfo.InvariantCulture));
        }

        if (policy.MaximumDelay is { } max)
        {
            parts.Add("max " + Seconds(max));
        }

        if (policy.NonRetryableErrorTypes is { Count: > 0 } types)
        {
            parts.Add("non-retryable: " + string.Join(", ", types));
        }

        parts.Add("worker defaults for the rest");
        return string.Join(", ", parts);
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    public static string Table(IReadOnlyList<ExecutionInfo> rows)
    {
        if (rows.Count == 0)
        {
            return "No executions.";
        }

        // Columns as wide as their longest value: names and queues are never cut, and never break the alignment.
        var name = Math.Max("NAME".Length, rows.Max(e => e.Name.Length));
        var queue = Math.Max("QUEUE".Length, rows.Max(e => e.Queue.Length));
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{"ID",-36}  {"KIND",-8}  {"NAME".PadRight(name)}  {"QUEUE".PadRight(queue)}  {"STATE",-9}  {"TRY",-5}  {"ACT",5}  CREATED\n");
        foreach (var e in rows)
        {
            b.Append(CultureInfo.InvariantCulture,
                $"{e.Id,-36}  {e.Kind.ToString().ToLowerInvariant(),-8}  {e.Name.PadRight(name)}  {e.Queue.PadRight(queue)}  {e.State.ToString().ToLowerInvariant(),-9}  {e.Attempt + "/" + e.MaxAttempts,-5}  {(e.Kind == ExecutionKind.Workflow ? e.Activations.ToString(CultureInfo.InvariantCulture) : "-"),5}  {Format(e.CreatedAt)}\n");
        }

        return b.ToString().TrimEnd('\n');
    }

    /// <summary>"a job", "an activity", "a workflow", "a timer".</summary>
    public static string WithArticle(ExecutionKind kind)
    {
        var word = kind.ToString().ToLowerInvariant();
        return ("aeiou".Contains(word[0], StringComparison.Ordinal) ? "an " : "a ") + word;
    }

    private static string Format(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";
}
