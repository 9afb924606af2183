using Currant.Dashboard.Html;
using Microsoft.AspNetCore.Antiforgery;

namespace Currant.Dashboard.Pages;

/// <summary>One schedule: its definition (arguments redacted like an execution's), its state, and its recent runs.</summary>
internal static class SchedulePage
{
    public sealed record Model(ScheduleInfo Schedule, IReadOnlyList<ExecutionInfo> Runs, int RunLimit, bool CanAct, AntiforgeryTokenSet? Tokens, string? Message);

    public static string Render(string basePath, Model m)
    {
        var s = m.Schedule;
        return Layout.Render(basePath, "Schedule " + s.Name, "Schedules", m.CanAct, h =>
        {
            h.Open("h1").Text(s.Name + " ").Element("small", "schedule").Raw(" ");
            SchedulesPage.State(h, s);
            h.Close("h1");
            if (m.Message is { } message)
            {
                h.Element("p", message, ("class", "flash"), ("role", "status"), ("id", "flash"));
            }

            if (m.CanAct && m.Tokens is { } tokens)
            {
                h.Open("section", ("class", "actions"), ("id", "actions"));
                SchedulesPage.Actions(h, basePath, s, tokens);
                h.Close("section");
            }

            h.Open("section", ("id", "summary")).Raw("<dl>");
            Pair(h, "runs", $"{Format.Lower(s.Kind)} {s.Target}");
            Pair(h, "queue", s.Queue);
            Pair(h, "cron", s.Spec.Cron);
            Pair(h, "time zone", s.Spec.TimeZone);
            Pair(h, "next fire", Format.Time(s.NextRunAt));
            Pair(h, "last fire", Format.Time(s.LastRunAt));
            if (s.BufferedAt is { } buffered)
            {
                Pair(h, "buffered", Format.Time(buffered) + " (waits for the last run to end)");
            }

            Pair(h, "overlap", SchedulesPage.Overlap(s.Spec.Overlap));
            Pair(h, "catch-up", SchedulesPage.CatchUp(s.Spec));
            Pair(h, "source", s.FromAttribute ? "[Schedule] attribute (workers keep it in step with the code)" : "API");
            Pair(h, "created", Format.Time(s.CreatedAt));
            Pair(h, "updated", Format.Time(s.UpdatedAt));
            h.Raw("</dl>").Close("section");

            h.Open("section", ("id", "arguments")).Element("h2", "Arguments of every run");
            h.Element("pre", ArgumentRedaction.Redact(s.Target, s.ArgumentsJson));
            h.Close("section");

            h.Element("h2", "Recent runs");
            if (m.Runs.Count == 0)
            {
                h.Element("p", "No run yet.", ("class", "empty"));
                return;
            }

            h.Raw("<table id=\"runs\"><thead><tr><th>Id</th><th>Fire time</th><th>State</th><th>Attempt</th><th>Created</th><th>Took</th></tr></thead><tbody>");
            foreach (var e in m.Runs)
            {
                h.Open("tr", ("data-id", e.Id.ToString()));
                h.Raw("<td>").Link($"{basePath}/executions/{e.Id}", e.Id.ToString(), "id").Raw("</td>");
                h.Element("td", FireTime(s.Name, e.IdempotencyKey));
                h.Raw("<td>");
                Format.State(h, e);
                h.Raw("</td>");
                h.Element("td", $"{e.Attempt}/{e.MaxAttempts}", ("class", "num"));
                h.Element("td", Format.Time(e.CreatedAt));
                h.Element("td", e.StartedAt is { } started && e.CompletedAt is { } completed ? Format.Duration(completed - started) : "-", ("class", "num"));
                h.Close("tr");
            }

            h.Raw("</tbody></table>");
            h.Open("p", ("class", "paging")).Text($"The newest {m.RunLimit} at most; ").Link($"{basePath}/executions?name={Uri.EscapeDataString(s.Target)}", "every execution of " + s.Target).Close("p");
        });
    }

    /// <summary>What the run's key says: its fire time, or "triggered" for a run started by hand.</summary>
    private static string FireTime(string schedule, string? key)
    {
        var rest = key is not null && key.StartsWith($"schedule:{schedule}:", StringComparison.Ordinal) ? key[(schedule.Length + 10)..] : "";
        return rest.StartsWith("trigger:", StringComparison.Ordinal) ? "triggered" : rest.Length > 0 ? rest.Replace('T', ' ').TrimEnd('Z') + " UTC" : "-";
    }

    private static void Pair(HtmlWriter h, string name, string? value) => h.Element("dt", name).Element("dd", value);
}
