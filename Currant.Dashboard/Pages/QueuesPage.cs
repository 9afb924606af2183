using Currant.Dashboard.Html;
using Currant.Persistence;
using Microsoft.AspNetCore.Antiforgery;

namespace Currant.Dashboard.Pages;

/// <summary>
/// Every queue with a setting, work or a worker: paused or not, its concurrency limit (across all workers), pending
/// (capped) and running; with actions, pause or resume and set or remove the limit.
/// </summary>
internal static class QueuesPage
{
    public sealed record Model(IReadOnlyList<QueueControl> Queues, int Cap, bool CanAct, AntiforgeryTokenSet? Tokens, string? Message);

    public static string Render(string basePath, Model m)
        => Layout.Render(basePath, "Queues", "Queues", m.CanAct, h =>
        {
            h.Element("h1", "Queues");
            if (m.Message is { } message)
            {
                h.Element("p", message, ("class", "flash"), ("role", "status"), ("id", "flash"));
            }

            h.Element("p", "A paused queue keeps accepting work; workers stop claiming from it until it is resumed. A limit caps how many of its executions run at once across every worker.");
            if (m.Queues.Count == 0)
            {
                h.Element("p", "No queue has a setting, work or a worker.", ("class", "empty"));
                return;
            }

            h.Raw("<table id=\"queues\"><thead><tr><th>Queue</th><th>State</th><th>Limit</th><th>Pending</th><th>Running</th><th>Changed</th>");
            if (m.CanAct)
            {
                h.Raw("<th>Actions</th>");
            }

            h.Raw("</tr></thead><tbody>");
            foreach (var q in m.Queues)
            {
                h.Open("tr", ("data-queue", q.Queue));
                h.Raw("<td>").Link($"{basePath}/executions?queue={Uri.EscapeDataString(q.Queue)}", q.Queue).Raw("</td>");
                var state = q.Paused ? "paused" : "active";
                h.Raw("<td>").Element("span", state, ("class", "state " + state), ("data-state", state)).Raw("</td>");
                h.Element("td", q.MaxConcurrency is { } limit ? Format.Count(limit, int.MaxValue) : "none", ("class", "num limit"));
                h.Element("td", Format.Count(q.Pending, m.Cap), ("class", "num pending"));
                h.Element("td", Format.Count(q.Running, int.MaxValue), ("class", "num running"));
                h.Element("td", Format.Time(q.UpdatedAt));
                if (m.CanAct && m.Tokens is { } tokens)
                {
                    h.Raw("<td class=\"row-actions\">");
                    if (q.Paused)
                    {
                        ActionForm.Button(h, basePath + "/queues/resume", "Resume", tokens, "resume", ("queue", q.Queue));
                    }
                    else
                    {
                        ActionForm.Button(h, basePath + "/queues/pause", "Pause", tokens, "pause", ("queue", q.Queue));
                    }

                    h.Open("form", ("method", "post"), ("action", basePath + "/queues/limit"), ("class", "inline limit"));
                    ActionForm.Token(h, tokens);
                    h.Open("input", ("type", "hidden"), ("name", "queue"), ("value", q.Queue));
                    h.Open("input", ("name", "limit"), ("type", "number"), ("min", "1"), ("placeholder", "no limit"), ("aria-label", "limit"),
                        ("value", q.MaxConcurrency?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    h.Element("button", "Set limit", ("type", "submit"), ("id", "set-limit"));
                    h.Close("form");
                    h.Raw("</td>");
                }

                h.Close("tr");
            }

            h.Raw("</tbody></table>");
            h.Element("p", "An empty limit removes it.", ("class", "updated"));
        });
}
