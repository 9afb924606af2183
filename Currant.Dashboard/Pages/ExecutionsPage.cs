using Currant.Dashboard.Html;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;

namespace Currant.Dashboard.Pages;

/// <summary>The executions list: filters, a capped count, newest first, keyset paged ("older" carries the last id).</summary>
internal static class ExecutionsPage
{
    private static readonly string[] Kinds = ["", "job", "activity", "workflow", "timer"];
    private static readonly string[] States = ["", "pending", "running", "suspended", "parked", "completed", "failed", "cancelled"];

    public sealed record Model(
        IReadOnlyList<ExecutionInfo> Rows, long Count, int Cap, bool HasMore, string? Error, bool CanAct, AntiforgeryTokenSet? Tokens, string? Message);

    public static string Render(string basePath, Func<string, StringValues> query, Model m)
        => Layout.Render(basePath, "Executions", "Executions", m.CanAct, h =>
        {
            h.Element("h1", "Executions");
            if (m.Message is { } message)
            {
                h.Element("p", message, ("class", "flash"), ("role", "status"));
            }

            FilterFormHtml(h, basePath, query);
            if (m.Error is { } error)
            {
                h.Element("p", error, ("class", "error"), ("role", "alert"));
                return;
            }

            h.Element("p", $"{Format.Count(m.Count, m.Cap)} matching", ("class", "count"), ("id", "count"));
            if (m.CanAct && m.Tokens is { } tokens)
            {
                Bulk(h, basePath, query, tokens);
            }

            h.Raw("<table id=\"executions\"><thead><tr><th>Id</th><th>Kind</th><th>Name</th><th>Queue</th><th>State</th><th>Attempt</th><th>Created</th><th>Took</th></tr></thead><tbody>");
            foreach (var e in m.Rows)
            {
                h.Open("tr", ("data-id", e.Id.ToString()));
                h.Raw("<td>").Link($"{basePath}/executions/{e.Id}", e.Id.ToString(), "id").Raw("</td>");
                h.Element("td", Format.Lower(e.Kind));
                h.Element("td", e.Name);
                h.Element("td", e.Queue);
                h.Raw("<td>");
                Format.State(h, e);
                h.Raw("</td>");
                h.Element("td", $"{e.Attempt}/{e.MaxAttempts}", ("class", "num"));
                h.Element("td", Format.Time(e.CreatedAt));
                h.Element("td", e.StartedAt is { } s && e.CompletedAt is { } c ? Format.Duration(c - s) : "-", ("class", "num"));
                h.Close("tr");
            }

            h.Raw("</tbody></table>");
            if (m.Rows.Count == 0)
            {
                h.Element("p", "No execution matches.", ("class", "empty"));
            }

            h.Raw("<p class=\"paging\">");
            if (query("before").Count > 0)
            {
                h.Link($"{basePath}/executions?{FilterForm.Query(query)}", "« Newest");
                h.Raw(" ");
            }

            if (m.HasMore)
            {
                h.Link($"{basePath}/executions?{FilterForm.Query(query, ("before", m.Rows[^1].Id.ToString()))}", "Older »", "older");
            }

            h.Raw("</p>");
        });

    private static void FilterFormHtml(HtmlWriter h, string basePath, Func<string, StringValues> query)
    {
        h.Open("form", ("method", "get"), ("action", basePath + "/executions"), ("class", "filters"), ("id", "filters"));
        Select(h, "kind", Kinds, query("kind").ToString());
        Input(h, "name", "name", query("name").ToString());
        Select(h, "state", States, query("state").ToString());
        Input(h, "queue", "queue", query("queue").ToString());
        Input(h, "q", "id or idempotency key", query("q").ToString());
        Input(h, "from", "from (UTC, ISO 8601)", query("from").ToString());
        Input(h, "to", "to (UTC, ISO 8601)", query("to").ToString());
        var tags = query("tag").Where(t => !string.IsNullOrEmpty(t)).ToList();
        foreach (var tag in tags.Count == 0 ? [""] : tags)
        {
            Input(h, "tag", "tag key=value", tag!);
        }

        h.Raw("<button type=\"submit\">Filter</button>");
        h.Close("form");
    }

    private static void Bulk(HtmlWriter h, string basePath, Func<string, StringValues> query, AntiforgeryTokenSet tokens)
    {
        h.Open("form", ("method", "post"), ("class", "bulk"), ("id", "bulk"));
        h.Open("input", ("type", "hidden"), ("name", tokens.FormFieldName), ("value", tokens.RequestToken));
        foreach (var field in FilterForm.Fields)
        {
            foreach (var value in query(field))
            {
                if (value is { Length: > 0 })
                {
                    h.Open("input", ("type", "hidden"), ("name", field), ("value", value));
                }
            }
        }

        h.Element("span", "Every match (up to the bulk limit): ");
        h.Element("button", "Cancel all", ("type", "submit"), ("formaction", basePath + "/executions/bulk-cancel"), ("id", "bulk-cancel"));
        h.Element("button", "Retry all failed or parked", ("type", "submit"), ("formaction", basePath + "/executions/bulk-retry"), ("id", "bulk-retry"));
        h.Close("form");
    }

    private static void Select(HtmlWriter h, string name, string[] options, string selected)
    {
        h.Open("label").Text(name + " ");
        h.Open("select", ("name", name));
        foreach (var option in options)
        {
            h.Element("option", option.Length == 0 ? "any" : option, ("value", option), ("selected", option.Equals(selected, StringComparison.OrdinalIgnoreCase) ? "selected" : null));
        }

        h.Close("select").Close("label");
    }

    private static void Input(HtmlWriter h, string name, string placeholder, string value)
        => h.Open("input", ("name", name), ("placeholder", placeholder), ("value", value.Length == 0 ? null : value), ("aria-label", placeholder));
}
