using System.Text;
using System.Text.Json;
using Currant.Dashboard.Hosting;
using Currant.Dashboard.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Dashboard.Actions;

/// <summary>
/// The write side: form posts that change executions. Each passes the gate (actions configured, the policy holds for
/// this user, a valid antiforgery token) before it reads anything, and each admitted action is recorded in
/// currant.dashboard_actions with its outcome, whether it acted or was refused. A new action (trigger a schedule,
/// pause a queue) maps here the same way.
/// </summary>
internal static class ActionEndpoints
{
    public static void Map(RouteGroupBuilder group, DashboardContext dashboard)
    {
        group.MapPost("/executions/{id}/cancel", http => SingleAsync(http, dashboard, RouteValue(http, "id"), "cancel"));
        group.MapPost("/executions/{id}/retry", http => SingleAsync(http, dashboard, RouteValue(http, "id"), "retry"));
        group.MapPost("/executions/{id}/resume", http => SingleAsync(http, dashboard, RouteValue(http, "id"), "resume"));
        group.MapPost("/executions/{id}/signal", http => SingleAsync(http, dashboard, RouteValue(http, "id"), "signal"));
        group.MapPost("/executions/bulk-cancel", http => BulkAsync(http, dashboard, "bulk-cancel"));
        group.MapPost("/executions/bulk-retry", http => BulkAsync(http, dashboard, "bulk-retry"));
        group.MapPost("/schedules/trigger", http => ScheduleAsync(http, dashboard, "trigger"));
        group.MapPost("/schedules/pause", http => ScheduleAsync(http, dashboard, "pause"));
        group.MapPost("/schedules/resume", http => ScheduleAsync(http, dashboard, "resume"));
        group.MapPost("/queues/pause", http => QueueAsync(http, dashboard, "pause"));
        group.MapPost("/queues/resume", http => QueueAsync(http, dashboard, "resume"));
        group.MapPost("/queues/limit", http => QueueAsync(http, dashboard, "limit"));
    }

    /// <summary>
    /// Trigger now (one run, paused or not; the fire times are unchanged), pause or resume a schedule named by the
    /// form's <c>name</c>. Recorded as schedule-trigger / schedule-pause / schedule-resume with the schedule's name (and
    /// the triggered run's id); then back to the schedule's page.
    /// </summary>
    private static async Task ScheduleAsync(HttpContext http, DashboardContext dashboard, string action)
    {
        if (!await AdmitAsync(http, dashboard).ConfigureAwait(false))
        {
            return;
        }

        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
        var name = form["name"].ToString();
        var recorded = "schedule-" + action;
        Guid? run = null;
        var (status, outcome) = (StatusCodes.Status200OK, "");
        var schedule = name.Length == 0 ? null : await dashboard.Client.Schedules.GetAsync(name, ct).ConfigureAwait(false);
        if (schedule is null)
        {
            (status, outcome) = (StatusCodes.Status404NotFound, name.Length == 0 ? "refused: no schedule named (the form's 'name' is empty)" : $"refused: no schedule is named '{name}'");
        }
        else
        {
            switch (action)
            {
                case "trigger":
                    try
                    {
                        run = await dashboard.Client.Schedules.TriggerAsync(name, ct).ConfigureAwait(false);
                        outcome = $"run {run} enqueued";
                    }
                    catch (InvalidOperationException ex)
                    {
                        // Deleted between the read and the trigger.
                        (status, outcome) = (StatusCodes.Status404NotFound, "refused: " + ex.Message);
                    }

                    break;
                case "pause":
                    (status, outcome) = schedule.Paused
                        ? (StatusCodes.Status409Conflict, "refused: already paused")
                        : await dashboard.Client.Schedules.PauseAsync(name, ct).ConfigureAwait(false)
                            ? (StatusCodes.Status200OK, "paused (a trigger still enqueues a run)")
                            : (StatusCodes.Status404NotFound, $"refused: no schedule is named '{name}'");
                    break;
                case "resume":
                    (status, outcome) = !schedule.Paused
                        ? (StatusCodes.Status409Conflict, "refused: not paused")
                        : await dashboard.Client.Schedules.ResumeAsync(name, ct).ConfigureAwait(false)
                            ? (StatusCodes.Status200OK, "resumed from its next fire time after now (missed fire times are not caught up)")
                            : (StatusCodes.Status404NotFound, $"refused: no schedule is named '{name}'");
                    break;
            }
        }

        await dashboard.Store.RecordActionAsync(DashboardContext.Actor(http), recorded, run, "schedule " + name, outcome, ct).ConfigureAwait(false);
        if (status == StatusCodes.Status200OK)
        {
            http.Response.Redirect($"{SchedulesPage.Link(basePath, name)}&done={Uri.EscapeDataString($"{Capitalize(action)}: {outcome}")}");
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }

        await PageResponse.ProblemAsync(http, basePath, true, status, "Not done", $"{Capitalize(action)} schedule '{name}': {outcome}.").ConfigureAwait(false);
    }

    /// <summary>
    /// Pause, resume, or set (an empty limit removes) the concurrency limit of the queue named by the form's
    /// <c>queue</c>, through client.Queues (the same checks as the API and the CLI). Recorded as queue-pause /
    /// queue-resume / queue-limit; then back to the queues page.
    /// </summary>
    private static async Task QueueAsync(HttpContext http, DashboardContext dashboard, string action)
    {
        if (!await AdmitAsync(http, dashboard).ConfigureAwait(false))
        {
            return;
        }

        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
        var queue = form["queue"].ToString();
        var (status, outcome) = (StatusCodes.Status200OK, "");
        try
        {
            switch (action)
            {
                case "pause":
                    await dashboard.Client.Queues.PauseAsync(queue, ct).ConfigureAwait(false);
                    outcome = "paused (workers stop claiming from it; what runs finishes)";
                    break;
                case "resume":
                    await dashboard.Client.Queues.ResumeAsync(queue, ct).ConfigureAwait(false);
                    outcome = "resumed";
                    break;
                case "limit":
                    var text = form["limit"].ToString().Trim();
                    if (text.Length == 0)
                    {
                        await dashboard.Client.Queues.SetLimitAsync(queue, null, ct).ConfigureAwait(false);
                        outcome = "limit removed";
                    }
                    else if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) || limit < 1)
                    {
                        (status, outcome) = (StatusCodes.Status400BadRequest, $"refused: '{text}' is not a limit (a whole number, at least 1; empty removes the limit)");
                    }
                    else
                    {
                        await dashboard.Client.Queues.SetLimitAsync(queue, limit, ct).ConfigureAwait(false);
                        outcome = $"limit set to {limit}";
                    }

                    break;
            }
        }
        catch (ArgumentException ex)
        {
            (status, outcome) = (StatusCodes.Status400BadRequest, "refused: " + ex.Message.Split(" (Parameter", 2)[0]);
        }

        var recorded = "queue-" + action;
        await dashboard.Store.RecordActionAsync(DashboardContext.Actor(http), recorded, null, "queue " + queue, outcome, ct).ConfigureAwait(false);
        if (status == StatusCodes.Status200OK)
        {
            http.Response.Redirect($"{basePath}/queues?done={Uri.EscapeDataString($"{Capitalize(recorded)} {queue}: {outcome}")}");
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }

        await PageResponse.ProblemAsync(http, basePath, true, status, "Not done", $"{Capitalize(recorded)} '{queue}': {outcome}.").ConfigureAwait(false);
    }

    /// <summary>False (and the refusal written) unless this request may act.</summary>
    private static async Task<bool> AdmitAsync(HttpContext http, DashboardContext dashboard)
    {
        var basePath = dashboard.BasePath(http);
        if (!dashboard.ActionsConfigured)
        {
            await PageResponse.ProblemAsync(http, basePath, false, StatusCodes.Status403Forbidden, "Read-only",
                "This dashboard is read-only: actions need an authorization policy (MapCurrantDashboard(…, o => o.ActionsPolicy = \"…\")), or 'currant dashboard --allow-actions'.").ConfigureAwait(false);
            return false;
        }

        if (!await dashboard.CanActAsync(http).ConfigureAwait(false))
        {
            await PageResponse.ProblemAsync(http, basePath, false, StatusCodes.Status403Forbidden, "Not allowed",
                $"You may view this dashboard but not act on it: actions need the '{dashboard.Options.ActionsPolicy}' policy.").ConfigureAwait(false);
            return false;
        }

        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await PageResponse.ProblemAsync(http, basePath, true, StatusCodes.Status400BadRequest, "Form expired",
                "The form's antiforgery token is missing or invalid (a form from another site, or an old page). Reload the page and try again.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private static async Task SingleAsync(HttpContext http, DashboardContext dashboard, string text, string action)
    {
        if (!await AdmitAsync(http, dashboard).ConfigureAwait(false))
        {
            return;
        }

        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        if (!Guid.TryParse(text, out var id))
        {
            await PageResponse.ProblemAsync(http, basePath, true, StatusCodes.Status400BadRequest, "Not an execution id", $"'{text}' is not an execution id (a UUID).").ConfigureAwait(false);
            return;
        }

        var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
        var store = dashboard.Store;
        var actor = DashboardContext.Actor(http);
        string? detail = null;
        var (status, outcome) = (StatusCodes.Status200OK, "");
        var e = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (e is null)
        {
            (status, outcome) = (StatusCodes.Status404NotFound, $"refused: no execution has the id {id}");
        }
        else
        {
            switch (action)
            {
                case "cancel":
                    var after = await store.CancelAsync(id, ct).ConfigureAwait(false);
                    (status, outcome) = after switch
                    {
                        null => (StatusCodes.Status409Conflict, $"refused: already {Format.StateOf(e)}"),
                        ExecutionState.Running => (StatusCodes.Status200OK, "cancel requested (it stops at its next check)"),
                        _ => (StatusCodes.Status200OK, "cancelled"),
                    };
                    break;
                case "retry":
                case "resume":
                    var parked = e.State == ExecutionState.Suspended && e.Error is not null;
                    var applies = action == "retry" ? e.State == ExecutionState.Failed : parked;
                    (status, outcome) = applies && await store.RetryAsync(id, ct).ConfigureAwait(false)
                        ? (StatusCodes.Status200OK, action == "retry" ? "queued for another attempt" : "resumed: it replays with the deployed code")
                        : (StatusCodes.Status409Conflict, $"refused: {Format.StateOf(e)}, not {(action == "retry" ? "failed" : "parked")}");
                    break;
                case "signal":
                    var name = form["name"].ToString().Trim();
                    var payload = form["payload"].ToString();
                    detail = name;
                    (status, outcome) = await SignalAsync(dashboard, id, name, payload, ct).ConfigureAwait(false);
                    break;
            }
        }

        await store.RecordActionAsync(actor, action, id, detail, outcome, ct).ConfigureAwait(false);
        if (status == StatusCodes.Status200OK)
        {
            http.Response.Redirect($"{basePath}/executions/{id}?done={Uri.EscapeDataString(Capitalize(action) + ": " + outcome)}");
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }

        await PageResponse.ProblemAsync(http, basePath, true, status, "Not done", $"{Capitalize(action)} {id}: {outcome}.").ConfigureAwait(false);
    }

    private static async Task<(int Status, string Outcome)> SignalAsync(DashboardContext dashboard, Guid id, string name, string payload, CancellationToken ct)
    {
        byte[]? json = null;
        if (!string.IsNullOrWhiteSpace(payload))
        {
            json = Encoding.UTF8.GetBytes(payload);
            try
            {
                using var document = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                return (StatusCodes.Status400BadRequest, $"refused: the payload is not valid JSON ({ex.Message}); nothing was sent");
            }
        }

        try
        {
            await dashboard.Client.SendSignalAsync(id, name, json, ct).ConfigureAwait(false);
            return (StatusCodes.Status200OK, $"signal '{name}' stored");
        }
        catch (ArgumentException ex)
        {
            return (StatusCodes.Status400BadRequest, "refused: " + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            return (StatusCodes.Status409Conflict, "refused: " + ex.Message);
        }
    }

    private static async Task BulkAsync(HttpContext http, DashboardContext dashboard, string action)
    {
        if (!await AdmitAsync(http, dashboard).ConfigureAwait(false))
        {
            return;
        }

        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
        var filter = FilterForm.Parse(f => form[f], out var error);
        if (error is not null)
        {
            await PageResponse.ProblemAsync(http, basePath, true, StatusCodes.Status400BadRequest, "Bad filter", error).ConfigureAwait(false);
            return;
        }

        var described = FilterForm.Query(f => form[f]);
        var limit = Math.Max(1, dashboard.Options.BulkLimit);
        var n = action == "bulk-cancel"
            ? await dashboard.Store.BulkCancelAsync(filter, limit, ct).ConfigureAwait(false)
            : await dashboard.Store.BulkRetryAsync(filter, limit, ct).ConfigureAwait(false);
        var outcome = action == "bulk-cancel" ? $"cancelled {n}" : $"retried {n}";
        await dashboard.Store.RecordActionAsync(DashboardContext.Actor(http), action, null, described.Length == 0 ? "(no filter)" : described, outcome, ct).ConfigureAwait(false);
        var back = described.Length == 0 ? "" : described + "&";
        http.Response.Redirect($"{basePath}/executions?{back}done={Uri.EscapeDataString($"{Capitalize(action)}: {outcome}")}");
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    private static string Capitalize(string action) => char.ToUpperInvariant(action[0]) + action[1..];

    private static string RouteValue(HttpContext http, string name) => http.Request.RouteValues[name]?.ToString() ?? "";
}
