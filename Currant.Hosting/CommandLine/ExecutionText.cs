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

    public static string Table(IReadOnlyList<ExecutionInfo> rows)
    {
        if (rows.Count == 0)
        {
            return "No executions.";
        }

        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{"ID",-36}  {"KIND",-8}  {"NAME",-24}  {"QUEUE",-12}  {"STATE",-9}  {"TRY",-5}  {"ACT",5}  CREATED\n");
        foreach (var e in rows)
        {
            b.Append(CultureInfo.InvariantCulture,
                $"{e.Id,-36}  {e.Kind.ToString().ToLowerInvariant(),-8}  {Cut(e.Name, 24),-24}  {Cut(e.Queue, 12),-12}  {e.State.ToString().ToLowerInvariant(),-9}  {e.Attempt + "/" + e.MaxAttempts,-5}  {(e.Kind == ExecutionKind.Workflow ? e.Activations.ToString(CultureInfo.InvariantCulture) : "-"),5}  {Format(e.CreatedAt)}\n");
        }

        return b.ToString().TrimEnd('\n');
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    private static string Format(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";
}
