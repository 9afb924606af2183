using Currant.Dashboard.Assets;
using Currant.Dashboard.Hosting;
using Currant.Dashboard.Live;
using Currant.Persistence;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Dashboard.Pages;

/// <summary>
/// The read side: every page is a GET that renders HTML on the server. A new page (schedules, queues) maps its route
/// here and adds its menu entry in <see cref="Navigation"/>; its queries go in DashboardQueries like these.
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(RouteGroupBuilder group, DashboardContext dashboard)
    {
        group.MapGet("/", http => OverviewAsync(http, dashboard));
        group.MapGet("/overview/live", http => OverviewLiveAsync(http, dashboard));
        group.MapGet("/events", http => LiveEvents.StreamAsync(http, dashboard));
        group.MapGet("/executions", http => ExecutionsAsync(http, dashboard));
        group.MapGet("/executions/{id}", http => ExecutionAsync(http, dashboard, RouteValue(http, "id")));
        group.MapGet("/actions", http => AuditAsync(http, dashboard));
        group.MapGet("/assets/{file}", http => EmbeddedAssets.ServeAsync(http, RouteValue(http, "file")));
        group.MapGet("/schedules", http => SchedulesAsync(http, dashboard));
        group.MapGet("/schedule", http => ScheduleAsync(http, dashboard));
        group.MapGet("/queues", http => QueuesAsync(http, dashboard));
        group.MapGet("/executions/{id}/version", http => ExecutionVersionAsync(http, dashboard, RouteValue(http, "id")));
    }

    private static async Task SchedulesAsync(HttpContext http, DashboardContext dashboard)
    {
        var ct = http.RequestAborted;
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        var tokens = canAct ? http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http) : null;
        var schedules = await dashboard.Store.ListSchedulesAsync(ct).ConfigureAwait(false);
        var model = new SchedulesPage.Model(schedules, canAct, tokens, Done(http));
        await PageResponse.HtmlAsync(http, SchedulesPage.Render(dashboard.BasePath(http), model)).ConfigureAwait(false);
    }

    private static async Task ScheduleAsync(HttpContext http, DashboardContext dashboard)
    {
        const int Runs = 25;
        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        var name = http.Request.Query["name"].ToString();
        if (name.Length == 0)
        {
            await PageResponse.ProblemAsync(http, basePath, canAct, StatusCodes.Status400BadRequest, "No schedule named", "Give the schedule's name: schedule?name=….").ConfigureAwait(false);
            return;
        }

        if (await dashboard.Store.GetScheduleAsync(name, ct).ConfigureAwait(false) is not { } schedule)
        {
            await PageResponse.ProblemAsync(http, basePath, canAct, StatusCodes.Status404NotFound, "No such schedule", $"No schedule is named '{name}'.").ConfigureAwait(false);
            return;
        }

        var runs = await dashboard.Store.GetScheduleRunsAsync(schedule.Name, schedule.Target, Runs, ct).ConfigureAwait(false);
        var tokens = canAct ? http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http) : null;
        var model = new SchedulePage.Model(schedule, runs, Runs, canAct, tokens, Done(http));
        await PageResponse.HtmlAsync(http, SchedulePage.Render(basePath, model)).ConfigureAwait(false);
    }

    private static async Task QueuesAsync(HttpContext http, DashboardContext dashboard)
    {
        var ct = http.RequestAborted;
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        var tokens = canAct ? http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http) : null;
        var queues = await dashboard.Store.GetQueueControlsAsync(dashboard.CountCap, ct).ConfigureAwait(false);
        var model = new QueuesPage.Model(queues, dashboard.CountCap, canAct, tokens, Done(http));
        await PageResponse.HtmlAsync(http, QueuesPage.Render(dashboard.BasePath(http), model)).ConfigureAwait(false);
    }

    /// <summary>The execution's version (what its page shows changing) as plain text; the detail page's script polls it on each event.</summary>
    private static async Task ExecutionVersionAsync(HttpContext http, DashboardContext dashboard, string text)
    {
        PageResponse.Secure(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "text/plain; charset=utf-8";
        if (!Guid.TryParse(text, out var id) || await dashboard.Store.GetExecutionVersionAsync(id, http.RequestAborted).ConfigureAwait(false) is not { } version)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await http.Response.WriteAsync(version, http.RequestAborted).ConfigureAwait(false);
    }

    private static string? Done(HttpContext http) => http.Request.Query["done"].ToString() is { Length: > 0 } done ? done : null;

    private static async Task OverviewAsync(HttpContext http, DashboardContext dashboard)
    {
        var ct = http.RequestAborted;
        var queues = await dashboard.Store.GetQueueSummariesAsync(dashboard.CountCap, ct).ConfigureAwait(false);
        var workers = await dashboard.Store.GetWorkersAsync(ct).ConfigureAwait(false);
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        await PageResponse.HtmlAsync(http, OverviewPage.Render(dashboard.BasePath(http), canAct, queues, workers, dashboard.CountCap)).ConfigureAwait(false);
    }

    private static async Task OverviewLiveAsync(HttpContext http, DashboardContext dashboard)
    {
        var ct = http.RequestAborted;
        var queues = await dashboard.Store.GetQueueSummariesAsync(dashboard.CountCap, ct).ConfigureAwait(false);
        var workers = await dashboard.Store.GetWorkersAsync(ct).ConfigureAwait(false);
        await PageResponse.HtmlAsync(http, OverviewPage.RenderLive(dashboard.BasePath(http), queues, workers, dashboard.CountCap)).ConfigureAwait(false);
    }

    private static async Task ExecutionsAsync(HttpContext http, DashboardContext dashboard)
    {
        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        var query = http.Request.Query;
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        var tokens = canAct ? http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http) : null;
        var filter = FilterForm.Parse(f => query[f], out var error);
        Guid? before = null;
        if (error is null && query["before"].ToString() is { Length: > 0 } cursor)
        {
            if (Guid.TryParse(cursor, out var b))
            {
                before = b;
            }
            else
            {
                error = $"'{cursor}' is not a page cursor (an execution id).";
            }
        }

        string? message = query["done"].ToString() is { Length: > 0 } done ? done : null;
        if (error is not null)
        {
            var bad = new ExecutionsPage.Model([], 0, dashboard.CountCap, false, error, canAct, tokens, message);
            await PageResponse.HtmlAsync(http, ExecutionsPage.Render(basePath, f => query[f], bad), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        // One row past the page says whether an older page exists, without counting.
        var rows = await dashboard.Store.GetExecutionPageAsync(filter, before, dashboard.PageSize + 1, ct).ConfigureAwait(false);
        var count = await dashboard.Store.CountExecutionsAsync(filter, dashboard.CountCap, ct).ConfigureAwait(false);
        var hasMore = rows.Count > dashboard.PageSize;
        var model = new ExecutionsPage.Model(hasMore ? rows.Take(dashboard.PageSize).ToList() : rows, count, dashboard.CountCap, hasMore, null, canAct, tokens, message);
        await PageResponse.HtmlAsync(http, ExecutionsPage.Render(basePath, f => query[f], model)).ConfigureAwait(false);
    }

    private static async Task ExecutionAsync(HttpContext http, DashboardContext dashboard, string text)
    {
        var ct = http.RequestAborted;
        var basePath = dashboard.BasePath(http);
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        if (!Guid.TryParse(text, out var id))
        {
            await PageResponse.ProblemAsync(http, basePath, canAct, StatusCodes.Status400BadRequest, "Not an execution id", $"'{text}' is not an execution id (a UUID).").ConfigureAwait(false);
            return;
        }

        // The version first, then what the page shows: a change between the reads then makes the live check see a
        // newer version and reload once more. Read last, a change in between (a workflow completing while its
        // history was read) left the page showing the old state under the new version, never reloaded.
        var version = await dashboard.Store.GetExecutionVersionAsync(id, ct).ConfigureAwait(false);
        if (await dashboard.Store.GetDetailAsync(id, ct).ConfigureAwait(false) is not { } detail)
        {
            await PageResponse.ProblemAsync(http, basePath, canAct, StatusCodes.Status404NotFound, "No such execution", $"No execution has the id {id}.").ConfigureAwait(false);
            return;
        }

        const int Limit = 1_000;
        IReadOnlyList<HistoryRow> history = [];
        IReadOnlyList<SignalRecord> signals = [];
        if (detail.Info.Kind == ExecutionKind.Workflow)
        {
            history = await dashboard.Store.GetHistoryAsync(id, ct).ConfigureAwait(false);
            signals = await dashboard.Store.GetSignalsAsync(id, Limit, ct).ConfigureAwait(false);
        }

        var children = await dashboard.Store.GetChildrenAsync(id, Limit, ct).ConfigureAwait(false);
        var tokens = canAct ? http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http) : null;
        string? message = http.Request.Query["done"].ToString() is { Length: > 0 } done ? done : null;
        var model = new ExecutionPage.Model(detail, history, signals, children, canAct, tokens, message, version);
        await PageResponse.HtmlAsync(http, ExecutionPage.Render(basePath, model)).ConfigureAwait(false);
    }

    private static async Task AuditAsync(HttpContext http, DashboardContext dashboard)
    {
        const int PageSize = 100;
        var canAct = await dashboard.CanActAsync(http).ConfigureAwait(false);
        long? before = long.TryParse(http.Request.Query["before"].ToString(), out var b) ? b : null;
        var actions = await dashboard.Store.GetActionsAsync(before, PageSize + 1, http.RequestAborted).ConfigureAwait(false);
        var hasMore = actions.Count > PageSize;
        await PageResponse.HtmlAsync(http, ActionsPage.Render(dashboard.BasePath(http), canAct, hasMore ? actions.Take(PageSize).ToList() : actions, hasMore)).ConfigureAwait(false);
    }

    private static string RouteValue(HttpContext http, string name) => http.Request.RouteValues[name]?.ToString() ?? "";
}
