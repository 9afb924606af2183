using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Currant.Tests.Dashboard;

namespace Currant.Tests.Examples;

/// <summary>The dashboard example, run as a real process: demo work, the dashboard's pages, an action from loopback.</summary>
public sealed class DashboardExampleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Demo_ShowsItsWorkOnTheDashboard_RedactsTheCard_AndTakesASignalFromIt()
    {
        var database = await TestDatabase.CreateDatabaseAsync("dashboardexample");
        await using var app = AppProcess.Start(RepoPaths.Output("examples/Dashboard", "DashboardDemo.dll"), ["--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string?> { ["Currant__ConnectionString"] = database });
        var listening = await app.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Wait);
        var origin = new Uri(listening[listening.IndexOf("http://", StringComparison.Ordinal)..].Trim());
        using var http = new HttpClient { BaseAddress = origin };

        using var demo = await http.PostAsync("/demo", null);
        Assert.That(demo.StatusCode, Is.EqualTo(HttpStatusCode.OK), app.Output);
        var body = await demo.Content.ReadFromJsonAsync<JsonElement>();
        var refund = body.GetProperty("refund").GetGuid();
        var charge = body.GetProperty("charges")[0].GetGuid();

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(database);
        await using var client = CurrantClient.Create(dataSource);
        Assert.That((await client.WaitForCompletionAsync(charge, Wait)).State, Is.EqualTo(ExecutionState.Completed));

        using var browser = new DashboardBrowser(new Uri(origin, "/currant/"));
        var overview = await browser.GetPageAsync("");
        Assert.That(overview, Does.Contain("data-queue=\"payments\"").And.Contain("actions enabled"), "loopback satisfies the example's ops policy");
        var detail = await browser.GetPageAsync($"executions/{charge}");
        Assert.That(detail, Does.Contain("&quot;***&quot;").And.Not.Contain("4111111111111111"));

        await WaitForStateAsync(client, refund, ExecutionState.Suspended);
        using var signal = await browser.PostAsync($"executions/{refund}/signal",
            [new("name", "decision"), new("payload", "\"approve\"")], tokenFrom: $"executions/{refund}");
        Assert.That(signal.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var done = await client.WaitForCompletionAsync(refund, Wait);
        Assert.That(done.Result, Does.StartWith("\"refunded 1200 cents to ana"));

        // The worker created DailyReport's schedule; trigger it from the Schedules page, then pause the payments queue.
        var schedule = await WaitForScheduleAsync(client, "reports");
        Assert.That(await browser.GetPageAsync("schedules"), Does.Contain($"data-schedule=\"{schedule.Name}\"").And.Contain("0 6 * * *").And.Contain("Europe/Berlin"));
        using var trigger = await browser.PostAsync("schedules/trigger", [new("name", schedule.Name)], tokenFrom: "schedules");
        Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        var run = (await client.ListAsync(new ExecutionFilter { Name = schedule.Target })).Single();
        Assert.That((await client.WaitForCompletionAsync(run.Id, Wait)).Result, Does.StartWith("\"report for "));
        Assert.That(await browser.GetPageAsync($"schedule?name={Uri.EscapeDataString(schedule.Name)}"), Does.Contain(run.Id.ToString()).And.Contain("triggered"));

        using var pause = await browser.PostAsync("queues/pause", [new("queue", "payments")], tokenFrom: "queues");
        Assert.That(pause.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That((await client.Queues.ListAsync()).Single(q => q.Name == "payments").Paused, Is.True);
        Assert.That(await app.TerminateAsync(Wait), Is.Zero, app.Output);
    }

    private static async Task<ScheduleInfo> WaitForScheduleAsync(CurrantClient client, string queue)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            if ((await client.Schedules.ListAsync(timeout.Token)).FirstOrDefault(s => s.Queue == queue) is { } schedule)
            {
                return schedule;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task WaitForStateAsync(CurrantClient client, Guid id, ExecutionState state)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while ((await client.GetExecutionAsync(id, timeout.Token))?.State != state)
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
