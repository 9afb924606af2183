using Currant.Dashboard.Html;
using Microsoft.AspNetCore.Antiforgery;

namespace Currant.Dashboard.Pages;

/// <summary>
/// Every schedule (currant.schedules, a small table read by its primary key): what it enqueues, its cron expression
/// and time zone, next and last fire time, paused or not, its overlap and catch-up policies; with actions, trigger now
/// and pause or resume. Each name links to <see cref="SchedulePage"/> (its recent runs).
/// </summary>
internal static class SchedulesPage
{
    public sealed record Model(IReadOnlyList<ScheduleInfo> Schedules, bool CanAct, AntiforgeryTokenSet? Tokens, string? Message);

    public static string Render(string basePath, Model m)
        => Layout.Render(basePath, "Schedules", "Schedules", m.CanAct, h =>
        {
            h.Element("h1", "Schedules");
            if (m.Message is { } message)
            {
                h.Element("p", message, ("class", "flash"), ("role", "status"), ("id", "flash"));
            }

            if (m.Schedules.Count == 0)
            {
                h.Element("p", "No schedule: add [Schedule(\"cron\")] to a job or workflow, or call X.Schedule(name, cron, …).", ("class", "empty"));
                return;
            }

            h.Raw("<table id=\"schedules\"><thead><tr><th>Schedule</th><th>Runs</th><th>Queue</th><th>Cron</th><th>Time zone</th><th>Next fire</th><th>Last fire</th><th>State</th><th>Overlap</th><th>Catch-up</th>");
            if (m.CanAct)
            {
                h.Raw("<th>Actions</th>");
            }

            h.Raw("</tr></thead><tbody>");
            foreach (var s in m.Schedules)
            {
                h.Open("tr", ("data-schedule", s.Name));
                h.Raw("<td>").Link(Link(basePath, s.Name), s.Name).Raw("</td>");
                h.Open("td").Element("small", Format.Lower(s.Kind) + " ").Text(s.Target).Close("td");
                h.Element("td", s.Queue);
                h.Element("td", s.Spec.Cron, ("class", "code"));
                h.Element("td", s.Spec.TimeZone);
                h.Element("td", Format.Time(s.NextRunAt), ("class", "next"));
                h.Element("td", Format.Time(s.LastRunAt), ("class", "last"));
                h.Raw("<td>");
                State(h, s);
                h.Raw("</td>");
                h.Element("td", Overlap(s.Spec.Overlap));
                h.Element("td", CatchUp(s.Spec));
                if (m.CanAct && m.Tokens is { } tokens)
                {
                    h.Raw("<td class=\"row-actions\">");
                    Actions(h, basePath, s, tokens);
                    h.Raw("</td>");
                }

                h.Close("tr");
            }

            h.Raw("</tbody></table>");
        });

    public static string Link(string basePath, string name) => $"{basePath}/schedule?name={Uri.EscapeDataString(name)}";

    public static void State(HtmlWriter h, ScheduleInfo s)
        => h.Element("span", s.Paused ? "paused" : "active", ("class", "state " + (s.Paused ? "paused" : "active")), ("data-state", s.Paused ? "paused" : "active"));

    public static void Actions(HtmlWriter h, string basePath, ScheduleInfo s, AntiforgeryTokenSet tokens)
    {
        ActionForm.Button(h, basePath + "/schedules/trigger", "Trigger now", tokens, "trigger", ("name", s.Name));
        if (s.Paused)
        {
            ActionForm.Button(h, basePath + "/schedules/resume", "Resume", tokens, "resume", ("name", s.Name));
        }
        else
        {
            ActionForm.Button(h, basePath + "/schedules/pause", "Pause", tokens, "pause", ("name", s.Name));
        }
    }

    public static string Overlap(ScheduleOverlap overlap) => overlap switch
    {
        ScheduleOverlap.Skip => "skip",
        ScheduleOverlap.BufferOne => "buffer one",
        _ => "allow",
    };

    public static string CatchUp(ScheduleSpec spec)
        => (spec.CatchUp == ScheduleCatchUp.All ? "all" : "latest") + (spec.CatchUpWindow is { } w ? $" (within {Format.Duration(w)})" : "");
}
