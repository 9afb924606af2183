using System.Net;

namespace Currant.Tests.Dashboard;

/// <summary>
/// The schedules and queues pages and their actions over HTTP (real Kestrel, real database), the executions page's tag
/// filter, and the execution page's version (what its live refresh compares).
/// </summary>
public sealed class DashboardSchedulesQueuesTests : CurrantFixture
{
    private const string Card = "4111111111111111";

    private static KeyValuePair<string, string> Field(string name, string value) => new(name, value);

    private async Task<long> ActionsAboutAsync(string detail)
        => await ScalarAsync<long>("SELECT count(*) FROM currant.dashboard_actions WHERE detail = @detail", ("detail", detail));

    private async Task<long> RunsOfAsync(string schedule)
        => await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key LIKE @prefix", ("prefix", $"schedule:{schedule}:%"));

    [Test]
    public async Task Schedules_ListEachOne_TriggerNowEnqueuesARun_PauseAndResume_AndEveryActionIsRecorded()
    {
        var queue = NewQueue("sched");
        var name = "nightly-" + NewKey();
        await ChargeCardJob.Options(queue: queue, client: Client).Schedule(name, new ScheduleSpec("0 3 * * *") { TimeZone = "Europe/Berlin", Overlap = ScheduleOverlap.BufferOne }, "ana", Card, 7);
        // A schedule whose name starts with the first's: its runs are not the first's.
        await ChargeCardJob.Options(queue: queue, client: Client).Schedule(name + ":eu", "0 4 * * *", "bo", Card, 8);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");

        var list = await ops.GetPageAsync("schedules");
        var row = Row(list, "data-schedule", name);
        Assert.That(row, Does.Contain("0 3 * * *").And.Contain("Europe/Berlin").And.Contain("buffer one").And.Contain("data-state=\"active\"").And.Contain(queue));
        Assert.That(row, Does.Contain("id=\"trigger\"").And.Contain("id=\"pause\""), "the actions, for ops");
        Assert.That(list, Does.Contain("href=\"/currant/schedules\" class=\"current\""), "in the menu");

        using (var trigger = await ops.PostAsync("schedules/trigger", [Field("name", name)], tokenFrom: "schedules"))
        {
            Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            Assert.That(trigger.Headers.Location!.ToString(), Does.StartWith($"/currant/schedule?name={Uri.EscapeDataString(name)}&done="));
        }

        var run = await ScalarAsync<Guid>("SELECT id FROM currant.executions WHERE idempotency_key LIKE @prefix", ("prefix", $"schedule:{name}:trigger:%"));
        using (var other = await ops.PostAsync("schedules/trigger", [Field("name", name + ":eu")], tokenFrom: "schedules"))
        {
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        var detail = await ops.GetPageAsync($"schedule?name={Uri.EscapeDataString(name)}");
        Assert.That(Row(detail, "data-id", run.ToString()), Does.Contain("triggered").And.Contain("data-state=\"pending\""), "the run, in its recent runs");
        Assert.That(detail, Does.Contain("<tbody><tr data-id").And.Not.Contain("</tr><tr data-id"), "only its own run, not the ':eu' schedule's");
        Assert.That(detail, Does.Contain("[&quot;ana&quot;,&quot;***&quot;,7]").And.Not.Contain(Card), "its arguments, redacted");

        using (var pause = await ops.PostAsync("schedules/pause", [Field("name", name)], tokenFrom: "schedules"))
        {
            Assert.That(pause.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        Assert.That(await ScalarAsync<bool>("SELECT paused FROM currant.schedules WHERE name = @name", ("name", name)), Is.True);
        Assert.That(Row(await ops.GetPageAsync("schedules"), "data-schedule", name), Does.Contain("data-state=\"paused\"").And.Contain("id=\"resume\""));
        using (var again = await ops.PostAsync("schedules/pause", [Field("name", name)], tokenFrom: "schedules"))
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "already paused");
        }

        using (var resume = await ops.PostAsync("schedules/resume", [Field("name", name)], tokenFrom: "schedules"))
        {
            Assert.That(resume.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        Assert.That(await ScalarAsync<bool>("SELECT paused FROM currant.schedules WHERE name = @name", ("name", name)), Is.False);

        using (var missing = await ops.PostAsync("schedules/trigger", [Field("name", "no-such-" + name)], tokenFrom: "schedules"))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("no schedule is named"));
        }

        Assert.That(await RunsOfAsync("no-such-" + name), Is.Zero);
        Assert.That(await ActionsAboutAsync("schedule " + name), Is.EqualTo(4), "trigger, pause, the refused pause, resume");
        Assert.That(await ScalarAsync<Guid>("SELECT execution_id FROM currant.dashboard_actions WHERE action = 'schedule-trigger' AND detail = @d", ("d", "schedule " + name)), Is.EqualTo(run));
        var audit = await ops.GetPageAsync("actions");
        Assert.That(audit, Does.Contain("schedule-trigger").And.Contain("schedule-pause").And.Contain("refused: already paused"));

        using var unknown = await ops.GetAsync("schedule?name=nope-" + NewKey());
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var unnamed = await ops.GetAsync("schedule");
        Assert.That(unnamed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Queues_ShowPausedLimitPendingAndRunning_PauseResumeAndSetTheLimit_RefusingABadLimit()
    {
        var queue = NewQueue("qpage");
        await ChargeCardJob.Options(queue: queue, client: Client).QueueMany([("ana", Card, 1), ("bo", Card, 2)]);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");

        var row = Row(await ops.GetPageAsync("queues"), "data-queue", queue);
        Assert.That(row, Does.Contain("data-state=\"active\"").And.Contain("<td class=\"num limit\">none</td>").And.Contain("<td class=\"num pending\">2</td>").And.Contain("<td class=\"num running\">0</td>"));

        using (var pause = await ops.PostAsync("queues/pause", [Field("queue", queue)], tokenFrom: "queues"))
        {
            Assert.That(pause.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            Assert.That(pause.Headers.Location!.ToString(), Does.StartWith("/currant/queues?done="));
        }

        Assert.That((await Client.Queues.ListAsync()).Single(q => q.Name == queue).Paused, Is.True);
        using (var limit = await ops.PostAsync("queues/limit", [Field("queue", queue), Field("limit", "3")], tokenFrom: "queues"))
        {
            Assert.That(limit.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        row = Row(await ops.GetPageAsync("queues"), "data-queue", queue);
        Assert.That(row, Does.Contain("data-state=\"paused\"").And.Contain("<td class=\"num limit\">3</td>").And.Contain("id=\"resume\""));

        foreach (var bad in (string[])["0", "-2", "many", "1.5"])
        {
            using var refused = await ops.PostAsync("queues/limit", [Field("queue", queue), Field("limit", bad)], tokenFrom: "queues");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), bad);
            Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("is not a limit"));
        }

        Assert.That((await Client.Queues.ListAsync()).Single(q => q.Name == queue).MaxConcurrency, Is.EqualTo(3), "a bad limit changes nothing");
        using (var noName = await ops.PostAsync("queues/pause", [Field("queue", "")], tokenFrom: "queues"))
        {
            Assert.That(noName.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        using (var remove = await ops.PostAsync("queues/limit", [Field("queue", queue), Field("limit", "")], tokenFrom: "queues"))
        {
            Assert.That(remove.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        using (var resume = await ops.PostAsync("queues/resume", [Field("queue", queue)], tokenFrom: "queues"))
        {
            Assert.That(resume.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        var info = (await Client.Queues.ListAsync()).Single(q => q.Name == queue);
        Assert.That((info.Paused, info.MaxConcurrency), Is.EqualTo((false, (int?)null)));
        Assert.That(await ActionsAboutAsync("queue " + queue), Is.EqualTo(8), "pause, limit, four refused limits, remove, resume");
        var audit = await ops.GetPageAsync("actions");
        Assert.That(audit, Does.Contain("queue-pause").And.Contain("limit set to 3").And.Contain("limit removed"));
    }

    [Test]
    public async Task NewActions_AreRefused_ReadOnly_WithoutThePolicy_OrWithoutAToken_AndChangeNothing()
    {
        var queue = NewQueue("refuse");
        var name = "refused-" + NewKey();
        await ChargeCardJob.Options(queue: queue, client: Client).Schedule(name, "0 3 * * *", "ana", Card, 1);
        await Client.Queues.SetLimitAsync(queue, 2);
        (string Path, KeyValuePair<string, string>[] Fields)[] posts =
        [
            ("schedules/trigger", [Field("name", name)]),
            ("schedules/pause", [Field("name", name)]),
            ("queues/pause", [Field("queue", queue)]),
            ("queues/limit", [Field("queue", queue), Field("limit", "9")]),
        ];

        await using (var readOnly = await DashboardHost.StartAsync(Client))
        {
            using var anyone = new DashboardBrowser(readOnly, "olga", "ops");
            Assert.That(await anyone.GetPageAsync("schedules"), Does.Not.Contain("id=\"trigger\""), "no action offered");
            Assert.That(await anyone.GetPageAsync("queues"), Does.Not.Contain("id=\"pause\""));
            foreach (var (path, fields) in posts)
            {
                using var refused = await anyone.PostAsync(path, fields);
                Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
            }
        }

        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var viewer = new DashboardBrowser(host, "vic");
        using var ops = new DashboardBrowser(host, "olga", "ops");
        foreach (var (path, fields) in posts)
        {
            using var notAllowed = await viewer.PostAsync(path, fields);
            Assert.That(notAllowed.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
            using var forged = await ops.PostAsync(path, fields);
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), path + " without an antiforgery token");
        }

        Assert.That(await RunsOfAsync(name), Is.Zero, "no run");
        Assert.That(await ScalarAsync<bool>("SELECT paused FROM currant.schedules WHERE name = @name", ("name", name)), Is.False);
        var info = (await Client.Queues.ListAsync()).Single(q => q.Name == queue);
        Assert.That((info.Paused, info.MaxConcurrency), Is.EqualTo((false, (int?)2)), "the queue as it was");
        Assert.That(await ActionsAboutAsync("schedule " + name) + await ActionsAboutAsync("queue " + queue), Is.Zero, "nothing recorded");
    }

    [Test]
    public async Task Executions_FilterByTags_AllMustMatch_CarriedIntoPagingAndBulkActions()
    {
        var queue = NewQueue("tags");
        var key = NewKey();
        var tagged = await ChargeCardJob.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { ["customer"] = key, ["region"] = "eu" }).Queue("ana", Card, 1);
        var otherRegion = await ChargeCardJob.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { ["customer"] = key, ["region"] = "us" }).Queue("bo", Card, 2);
        var untagged = await ChargeCardJob.Options(queue: queue, client: Client).Queue("cy", Card, 3);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");

        var byCustomer = await ops.GetPageAsync($"executions?tag=customer%3D{key}");
        Assert.That(byCustomer, Does.Contain("2 matching").And.Contain(tagged.Id.ToString()).And.Contain(otherRegion.Id.ToString()).And.Not.Contain(untagged.Id.ToString()));
        Assert.That(byCustomer, Does.Contain($"name=\"tag\" placeholder=\"tag key=value\" value=\"customer={key}\""), "the form keeps the tag");
        var both = await ops.GetPageAsync($"executions?tag=customer%3D{key}&tag=region%3Deu");
        Assert.That(both, Does.Contain("1 matching").And.Contain(tagged.Id.ToString()).And.Not.Contain(otherRegion.Id.ToString()));
        Assert.That(await ops.GetPageAsync($"executions?tag=customer%3D{key}&tag=region%3Dasia"), Does.Contain("0 matching"));
        Assert.That(await ops.GetPageAsync($"executions?queue={queue}&tag=empty%3D"), Does.Contain("0 matching"), "an empty value is a value");

        using (var bad = await ops.GetAsync("executions?tag=customer"))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("is not a tag: write key=value"));
        }

        using (var twice = await ops.GetAsync("executions?tag=a%3D1&tag=a%3D2"))
        {
            Assert.That(twice.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        {
            await using var small = await DashboardHost.StartAsync(Client, o => o.PageSize = 1);
            using var paging = new DashboardBrowser(small);
            var first = await paging.GetPageAsync($"executions?tag=customer%3D{key}");
            Assert.That(first, Does.Contain($"tag=customer%3D{key}&amp;before="), "the older link keeps the tag");
        }

        using var cancel = await ops.PostAsync("executions/bulk-cancel", [Field("tag", $"customer={key}"), Field("tag", "region=eu")], tokenFrom: "executions");
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(cancel.Headers.Location!.ToString(), Does.Contain("cancelled%201"));
        Assert.That((await Client.GetExecutionAsync(tagged.Id))!.State, Is.EqualTo(ExecutionState.Cancelled));
        Assert.That((await Client.GetExecutionAsync(otherRegion.Id))!.State, Is.EqualTo(ExecutionState.Pending), "only the match");
        Assert.That((await Client.GetExecutionAsync(untagged.Id))!.State, Is.EqualTo(ExecutionState.Pending));
    }

    [Test]
    public async Task ExecutionVersion_ChangesWhenTheExecutionDoes()
    {
        var queue = NewQueue("version");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", Card, 1);
        await using var host = await DashboardHost.StartAsync(Client);
        using var browser = new DashboardBrowser(host);

        var page = await browser.GetPageAsync($"executions/{job.Id}");
        var before = await browser.GetPageAsync($"executions/{job.Id}/version");
        Assert.That(page, Does.Contain($"data-version=\"{before}\""), "the page carries the version it shows");
        Assert.That(await browser.GetPageAsync($"executions/{job.Id}/version"), Is.EqualTo(before), "unchanged while nothing happens");
        await using (await StartWorkerAsync(queue))
        {
            await job.GetResultAsync(Wait);
        }

        Assert.That(await browser.GetPageAsync($"executions/{job.Id}/version"), Is.Not.EqualTo(before));
        using var missing = await browser.GetAsync($"executions/{Guid.NewGuid()}/version");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static string Row(string page, string attribute, string value)
    {
        var start = page.IndexOf($"{attribute}=\"{System.Net.WebUtility.HtmlEncode(value)}\"", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"a row with {attribute}={value}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
