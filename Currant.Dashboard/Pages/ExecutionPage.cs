using System.Globalization;
using System.Text.RegularExpressions;
using Currant.Dashboard.Html;
using Currant.Persistence;
using Microsoft.AspNetCore.Antiforgery;

namespace Currant.Dashboard.Pages;

/// <summary>
/// One execution: its summary (timings, attempts, trace id), arguments (sensitive ones redacted), result, error with
/// stack, the actions it allows; for a workflow, its timeline (history and signals, in order) and its children.
/// </summary>
internal static partial class ExecutionPage
{
    public sealed record Model(
        ExecutionDetail Detail, IReadOnlyList<HistoryRow> History, IReadOnlyList<SignalRecord> Signals, IReadOnlyList<ExecutionInfo> Children,
        bool CanAct, AntiforgeryTokenSet? Tokens, string? Message, string? Version = null);

    public static string Render(string basePath, Model m)
    {
        var e = m.Detail.Info;
        return Layout.Render(basePath, $"{e.Name} {Format.ShortId(e.Id)}", "Executions", m.CanAct, h =>
        {
            h.Open("h1").Text(e.Name + " ").Element("small", Format.Lower(e.Kind)).Raw(" ");
            Format.State(h, e);
            h.Close("h1");
            if (m.Message is { } message)
            {
                h.Element("p", message, ("class", "flash"), ("role", "status"), ("id", "flash"));
            }

            if (m.Version is { } version)
            {
                // Live refresh: on each server-sent event the script fetches the version and reloads the page when it
                // changed (or, while a form holds input, says so instead of wiping it).
                h.Open("p", ("id", "watch"), ("class", "changed"), ("data-watch", $"{basePath}/executions/{e.Id}/version"), ("data-version", version), ("hidden", "hidden"))
                    .Text("This execution changed since the page loaded. ").Link($"{basePath}/executions/{e.Id}", "Reload").Close("p");
            }

            if (m.CanAct && m.Tokens is { } tokens)
            {
                Actions(h, basePath, e, tokens);
            }

            Parked(h, e);
            Summary(h, basePath, m.Detail);
            Section(h, "Arguments", ArgumentRedaction.Redact(e.Name, e.Arguments), "arguments");
            if (e.Result is { } result)
            {
                Section(h, "Result", result, "result");
            }

            if (e.Error is { } error)
            {
                h.Open("section", ("id", "error")).Element("h2", "Error");
                h.Open("p").Element("strong", error.Type).Text(": " + error.Message).Close("p");
                if (error.StackTrace is { } stack)
                {
                    h.Element("pre", stack, ("class", "stack"));
                }

                h.Close("section");
            }

            if (e.Kind == ExecutionKind.Workflow)
            {
                Timeline(h, basePath, e, m.History, m.Signals);
            }

            if (m.Children.Count > 0)
            {
                Children(h, basePath, m.Children);
            }
        });
    }

    private static void Actions(HtmlWriter h, string basePath, ExecutionInfo e, AntiforgeryTokenSet tokens)
    {
        var parked = e.State == ExecutionState.Suspended && e.Error is not null;
        h.Open("section", ("class", "actions"), ("id", "actions"));
        if (!e.IsFinished)
        {
            Button(h, basePath, e.Id, "cancel", e.Kind == ExecutionKind.Workflow ? "Cancel (with everything it started)" : "Cancel", tokens);
        }

        if (e.State == ExecutionState.Failed)
        {
            Button(h, basePath, e.Id, "retry", "Retry", tokens);
        }

        if (parked)
        {
            Button(h, basePath, e.Id, "resume", "Resume (replay with the deployed code)", tokens);
        }

        if (e.Kind == ExecutionKind.Workflow && !e.IsFinished)
        {
            h.Open("form", ("method", "post"), ("action", $"{basePath}/executions/{e.Id}/signal"), ("class", "signal"), ("id", "signal-form"));
            Token(h, tokens);
            h.Open("input", ("name", "name"), ("placeholder", "signal name"), ("aria-label", "signal name"), ("required", "required"));
            h.Open("textarea", ("name", "payload"), ("placeholder", "JSON payload (optional)"), ("aria-label", "JSON payload"), ("rows", "2")).Close("textarea");
            h.Element("button", "Send signal", ("type", "submit"));
            h.Close("form");
        }

        h.Close("section");
    }

    private static void Button(HtmlWriter h, string basePath, Guid id, string action, string label, AntiforgeryTokenSet tokens)
    {
        h.Open("form", ("method", "post"), ("action", $"{basePath}/executions/{id}/{action}"), ("class", "inline"));
        Token(h, tokens);
        h.Element("button", label, ("type", "submit"), ("id", action), ("class", action == "cancel" ? "danger" : null));
        h.Close("form");
    }

    private static void Token(HtmlWriter h, AntiforgeryTokenSet tokens)
        => h.Open("input", ("type", "hidden"), ("name", tokens.FormFieldName), ("value", tokens.RequestToken));

    private static void Parked(HtmlWriter h, ExecutionInfo e)
    {
        if (e.State != ExecutionState.Suspended || e.Error is not { } error)
        {
            return;
        }

        h.Open("section", ("class", "parked"), ("id", "parked"));
        h.Element("h2", "Parked");
        h.Element("p", "Replaying this workflow's code no longer matched its history, so it waits (nothing is lost). Deploy code that matches, then resume it.");
        var match = Divergence().Match(error.Message);
        if (match.Success)
        {
            h.Raw("<dl>");
            Pair(h, "step", match.Groups["step"].Value);
            Pair(h, "expected", match.Groups["expected"].Value);
            Pair(h, "found", match.Groups["found"].Value);
            h.Raw("</dl>");
        }

        h.Element("p", error.Message, ("class", "message"));
        h.Close("section");
    }

    private static void Summary(HtmlWriter h, string basePath, ExecutionDetail d)
    {
        var e = d.Info;
        h.Open("section", ("id", "summary")).Raw("<dl>");
        Pair(h, "id", e.Id.ToString());
        Pair(h, "queue", e.Queue);
        Pair(h, "priority", e.Priority.ToString(CultureInfo.InvariantCulture));
        Pair(h, "attempt", $"{e.Attempt} of {e.MaxAttempts}");
        if (e.Kind == ExecutionKind.Workflow)
        {
            Pair(h, "activations", e.Activations.ToString(CultureInfo.InvariantCulture));
        }

        Pair(h, "created", Format.Time(e.CreatedAt));
        Pair(h, "scheduled", Format.Time(e.ScheduledAt));
        Pair(h, "started", Format.Time(e.StartedAt));
        Pair(h, "completed", Format.Time(e.CompletedAt));
        Pair(h, "waited", e.StartedAt is { } s ? Format.Duration(s - e.ScheduledAt) : "-");
        Pair(h, "ran", e.StartedAt is { } st && e.CompletedAt is { } c ? Format.Duration(c - st) : "-");
        Pair(h, "timeout", d.Timeout is { } t ? Format.Duration(t) : "-");
        if (e.WorkerId is { } worker)
        {
            Pair(h, "worker", worker.ToString());
        }

        if (e.ParentId is { } parent)
        {
            h.Element("dt", "parent").Raw("<dd>").Link($"{basePath}/executions/{parent}", parent.ToString())
                .Text(d.ParentSeq is { } seq ? $" (step {seq})" : "").Raw("</dd>");
        }

        if (e.IdempotencyKey is { } key)
        {
            Pair(h, "idempotency key", key);
        }

        Pair(h, "trace id", Format.TraceId(d.TraceContext) ?? "-");
        h.Raw("</dl>").Close("section");
    }

    private static void Section(HtmlWriter h, string title, string? json, string id)
        => h.Open("section", ("id", id)).Element("h2", title).Element("pre", json ?? "-", ("class", "json")).Close("section");

    private static void Pair(HtmlWriter h, string name, string value) => h.Element("dt", name).Element("dd", value);

    /// <summary>
    /// History steps (activities, child workflows, timers, signal waits, inline steps, versions) and received signals
    /// in one list, ordered by when they happened: a step at its call, a signal at its arrival.
    /// </summary>
    private static void Timeline(HtmlWriter h, string basePath, ExecutionInfo e, IReadOnlyList<HistoryRow> history, IReadOnlyList<SignalRecord> signals)
    {
        var parkedStep = e.State == ExecutionState.Suspended && e.Error is { } error && Divergence().Match(error.Message) is { Success: true } m
            ? int.Parse(m.Groups["step"].Value, CultureInfo.InvariantCulture)
            : (int?)null;
        var items = history.Select(r => (At: r.CreatedAt, Order: 0, Step: (HistoryRow?)r, Signal: (SignalRecord?)null))
            .Concat(signals.Select(s => (At: s.ReceivedAt, Order: 1, Step: (HistoryRow?)null, Signal: (SignalRecord?)s)))
            .OrderBy(i => i.At).ThenBy(i => i.Order).ThenBy(i => i.Step?.Seq ?? 0).ThenBy(i => i.Signal?.Id ?? 0)
            .ToList();

        h.Open("section", ("id", "timeline")).Element("h2", "Timeline");
        if (items.Count == 0)
        {
            h.Element("p", "No steps yet.", ("class", "empty"));
            h.Close("section");
            return;
        }

        h.Raw("<ol class=\"timeline\">");
        foreach (var item in items)
        {
            if (item.Step is { } r)
            {
                var cssClass = "step " + r.Kind + " " + r.State + (r.Seq == parkedStep ? " diverged" : "");
                h.Open("li", ("class", cssClass), ("data-seq", r.Seq.ToString(CultureInfo.InvariantCulture)), ("data-kind", r.Kind));
                h.Element("span", $"#{r.Seq}", ("class", "seq"));
                h.Element("span", r.Kind, ("class", "kind"));
                h.Element("span", r.Name, ("class", "name"));
                h.Element("span", r.State, ("class", "state " + r.State));
                h.Element("span", Format.Time(r.CreatedAt), ("class", "at"));
                if (r.CompletedAt is { } done)
                {
                    h.Element("span", Format.Duration(done - r.CreatedAt), ("class", "took"));
                }

                if (r.ChildId is { } child)
                {
                    h.Link($"{basePath}/executions/{child}", r.ChildState is { } cs ? $"child {Format.ShortId(child)} ({cs}, attempt {r.ChildAttempts})" : $"child {Format.ShortId(child)}", "child");
                }

                if (r.Error is { } err)
                {
                    h.Element("div", $"{err.Type}: {err.Message}", ("class", "detail error"));
                }
                else if (r.Result is { } result)
                {
                    h.Element("div", result, ("class", "detail"));
                }

                h.Close("li");
            }
            else if (item.Signal is { } s)
            {
                h.Open("li", ("class", "signal" + (s.ConsumedSeq is null ? " waiting" : "")), ("data-kind", "signal-received"));
                h.Element("span", "signal", ("class", "kind"));
                h.Element("span", s.Name, ("class", "name"));
                h.Element("span", s.ConsumedSeq is { } seq ? $"consumed by #{seq}" : "not consumed yet", ("class", "state"));
                h.Element("span", Format.Time(s.ReceivedAt), ("class", "at"));
                h.Element("div", s.Payload ?? "null", ("class", "detail"));
                h.Close("li");
            }
        }

        h.Raw("</ol>").Close("section");
    }

    private static void Children(HtmlWriter h, string basePath, IReadOnlyList<ExecutionInfo> children)
    {
        h.Open("section", ("id", "children")).Element("h2", "Started by it");
        h.Raw("<table><thead><tr><th>Id</th><th>Kind</th><th>Name</th><th>State</th><th>Attempt</th><th>Created</th></tr></thead><tbody>");
        foreach (var c in children)
        {
            h.Raw("<tr><td>").Link($"{basePath}/executions/{c.Id}", c.Id.ToString()).Raw("</td>");
            h.Element("td", Format.Lower(c.Kind)).Element("td", c.Name).Raw("<td>");
            Format.State(h, c);
            h.Raw("</td>").Element("td", $"{c.Attempt}/{c.MaxAttempts}").Element("td", Format.Time(c.CreatedAt)).Raw("</tr>");
        }

        h.Raw("</tbody></table>").Close("section");
    }

    // The engine's nondeterminism message (WorkflowInstance): "... at step 3: history expected activity 'A', but the code now calls activity 'B'. ..."
    [GeneratedRegex(@"at step (?<step>\d+): history expected (?<expected>.+?), but the code now calls (?<found>.+?)\. ")]
    private static partial Regex Divergence();
}
