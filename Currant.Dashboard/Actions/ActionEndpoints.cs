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
