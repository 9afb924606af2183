using System.Globalization;
using Currant.Dashboard.Html;
using Currant.Persistence;

namespace Currant.Dashboard.Pages;

/// <summary>
/// Per queue: pending, running, the oldest pending row's wait, throughput and failure rate over the last hour; then the
/// workers and their heartbeats. The tables live in a fragment the page's script reloads on each server-sent event.
/// </summary>
internal static class OverviewPage
{
    /// <summary>A worker silent for longer than this is shown as silent (the workers' default heartbeat timeout).</summary>
    private static readonly TimeSpan Silent = TimeSpan.FromSeconds(30);

    public static string Render(string basePath, bool canAct, IReadOnlyList<QueueSummary> queues, IReadOnlyList<WorkerSummary> workers, int cap)
        => Layout.Render(basePath, "Overview", "Overview", canAct, h =>
        {
            h.Element("h1", "Overview");
            h.Open("div", ("id", "live"), ("data-live", basePath + "/overview/live"));
            Live(h, basePath, queues, workers, cap);
            h.Close("div");
        });

    public static string RenderLive(string basePath, IReadOnlyList<QueueSummary> queues, IReadOnlyList<WorkerSummary> workers, int cap)
    {
        var h = new HtmlWriter();
        Live(h, basePath, queues, workers, cap);
        return h.ToString();
    }

    private static void Live(HtmlWriter h, string basePath, IReadOnlyList<QueueSummary> queues, IReadOnlyList<WorkerSummary> workers, int cap)
    {
        h.Element("h2", "Queues");
        if (queues.Count == 0)
        {
            h.Element("p", "No queue has work, workers or finished work in the last hour.", ("class", "empty"));
        }
        else
        {
            h.Raw("<table id=\"queues\"><thead><tr><th>Queue</th><th>Pending</th><th>Running</th><th>Oldest pending</th><th>Completed (1 h)</th><th>Failed (1 h)</th><th>Failure rate</th></tr></thead><tbody>");
            foreach (var q in queues)
            {
                var finished = q.CompletedLastHour + q.FailedLastHour;
                h.Open("tr", ("data-queue", q.Queue));
                h.Raw("<td>").Link($"{basePath}/executions?queue={Uri.EscapeDataString(q.Queue)}", q.Queue).Raw("</td>");
                h.Element("td", Format.Count(q.Pending, cap), ("class", "num pending"));
                h.Element("td", Format.Count(q.Running, int.MaxValue), ("class", "num running"));
                h.Element("td", Format.Duration(q.OldestPendingAge), ("class", "num"));
                h.Element("td", Format.Count(q.CompletedLastHour, int.MaxValue), ("class", "num completed"));
                h.Element("td", Format.Count(q.FailedLastHour, int.MaxValue), ("class", "num failed"));
                h.Element("td", finished == 0 ? "-" : ((double)q.FailedLastHour / finished).ToString("P1", CultureInfo.InvariantCulture), ("class", "num"));
                h.Close("tr");
            }

            h.Raw("</tbody></table>");
        }

        h.Element("h2", "Workers");
        if (workers.Count == 0)
        {
            h.Element("p", "No worker has a heartbeat row.", ("class", "empty"));
        }
        else
        {
            h.Raw("<table id=\"workers\"><thead><tr><th>Worker</th><th>Host</th><th>PID</th><th>Queues</th><th>Started</th><th>Last heartbeat</th><th>Running</th></tr></thead><tbody>");
            foreach (var w in workers)
            {
                var silent = w.SinceHeartbeat > Silent;
                h.Open("tr", ("class", silent ? "silent" : null));
                h.Element("td", Format.ShortId(w.Id), ("title", w.Id.ToString()));
                h.Element("td", w.Hostname);
                h.Element("td", w.Pid.ToString(CultureInfo.InvariantCulture), ("class", "num"));
                h.Element("td", string.Join(", ", w.Queues));
                h.Element("td", Format.Time(w.StartedAt));
                h.Element("td", Format.Duration(w.SinceHeartbeat) + " ago" + (silent ? " (silent)" : ""));
                h.Element("td", Format.Count(w.Running, int.MaxValue), ("class", "num"));
                h.Close("tr");
            }

            h.Raw("</tbody></table>");
        }

        h.Element("p", "Updated " + Format.Time(DateTimeOffset.UtcNow), ("class", "updated"));
    }
}
