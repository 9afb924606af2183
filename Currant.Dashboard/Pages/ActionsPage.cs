using Currant.Dashboard.Html;
using Currant.Persistence;

namespace Currant.Dashboard.Pages;

/// <summary>The audit trail: every action taken from the dashboard, newest first.</summary>
internal static class ActionsPage
{
    public static string Render(string basePath, bool canAct, IReadOnlyList<DashboardAction> actions, bool hasMore)
        => Layout.Render(basePath, "Actions", "Actions", canAct, h =>
        {
            h.Element("h1", "Actions");
            h.Element("p", "Every action taken from the dashboard: who, what, when, and how it ended.");
            if (actions.Count == 0)
            {
                h.Element("p", "No action yet.", ("class", "empty"));
                return;
            }

            h.Raw("<table id=\"audit\"><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Execution</th><th>Detail</th><th>Outcome</th></tr></thead><tbody>");
            foreach (var a in actions)
            {
                h.Raw("<tr>").Element("td", Format.Time(a.At)).Element("td", a.Actor).Element("td", a.Action, ("class", "action"));
                h.Raw("<td>");
                if (a.ExecutionId is { } id)
                {
                    h.Link($"{basePath}/executions/{id}", id.ToString());
                }

                h.Raw("</td>").Element("td", a.Detail).Element("td", a.Outcome, ("class", "outcome")).Raw("</tr>");
            }

            h.Raw("</tbody></table>");
            if (hasMore)
            {
                h.Raw("<p class=\"paging\">").Link($"{basePath}/actions?before={actions[^1].Id}", "Older »", "older").Raw("</p>");
            }
        });
}
