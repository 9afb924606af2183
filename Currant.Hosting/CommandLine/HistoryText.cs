using System.Globalization;
using System.Text;
using Currant.Workflows;

namespace Currant.CommandLine;

/// <summary>The output of <c>currant history</c>.</summary>
internal static class HistoryText
{
    public static string Table(ExecutionInfo workflow, IReadOnlyList<HistoryRow> rows)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{workflow.Name} {workflow.Id}: {workflow.State.ToString().ToLowerInvariant()}\n");
        // As wide as the longest name (a fixed width broke the columns after 22 characters).
        var nameWidth = Math.Max("NAME".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        var kindWidth = Math.Max("KIND".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Kind.Length));
        b.Append(CultureInfo.InvariantCulture, $"{"SEQ",4}  {"KIND".PadRight(kindWidth)}  {"NAME".PadRight(nameWidth)}  {"STATE",-9}  {"MS",7}  RESULT / ERROR\n");
        foreach (var r in rows)
        {
            var ms = r.CompletedAt is { } done ? (done - r.CreatedAt).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "-";
            var detail = r.Error is { } e ? $"{e.Type}: {e.Message}" : r.Result ?? "";
            if (detail.Length > 60)
            {
                detail = detail[..59] + "…";
            }

            b.Append(CultureInfo.InvariantCulture, $"{r.Seq,4}  {r.Kind.PadRight(kindWidth)}  {r.Name.PadRight(nameWidth)}  {r.State,-9}  {ms,7}  {detail}\n");
        }

        if (rows.Count == 0)
        {
            b.Append("(no steps yet)\n");
        }

        return b.ToString().TrimEnd('\n');
    }

    /// <summary>The runs of a continue-as-new chain, first to last, marking the one whose steps follow.</summary>
    public static string Runs(IReadOnlyList<ExecutionInfo> chain, Guid shown)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"Continue-as-new chain: {chain.Count} runs (steps below are of run {chain.ToList().FindIndex(r => r.Id == shown) + 1}; 'currant history <id>' of another run shows its steps)\n");
        b.Append(CultureInfo.InvariantCulture, $"{"RUN",4}  {"ID",-36}  {"STATE",-9}  {"ACT",5}  ENDED\n");
        for (var i = 0; i < chain.Count; i++)
        {
            var r = chain[i];
            var state = r.ContinuedTo is null ? r.State.ToString().ToLowerInvariant() : "continued";
            var ended = r.CompletedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";
            b.Append(CultureInfo.InvariantCulture, $"{(r.Id == shown ? "*" : "") + (i + 1),4}  {r.Id,-36}  {state,-9}  {r.Activations,5}  {ended}\n");
        }

        return b.ToString().TrimEnd('\n');
    }

    /// <summary>The workflow and its whole history, as <see cref="WorkflowHistoryDocument"/> writes it (replayable).</summary>
    public static string Json(ExecutionInfo workflow, IReadOnlyList<HistoryRow> rows, IReadOnlyList<HistoryEvent> events)
        => WorkflowHistoryDocument.Write(workflow, events, rows.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => g.First().CreatedAt));
}
