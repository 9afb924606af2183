using System.Net;
using Currant.CommandLine;

namespace Currant.Tests.Dashboard;

/// <summary>
/// The dashboard over HTTP against a real Kestrel and a real database: every page, every action, authorization
/// (read-only by default, 403 without the policy, antiforgery), path base, redaction, the live event stream.
/// </summary>
public sealed class DashboardEndpointTests : CurrantFixture
{
    private static KeyValuePair<string, string> Field(string name, string value) => new(name, value);

    private async Task<string> StateAsync(Guid id) => await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id));

    private async Task<long> ActionCountAsync() => await ScalarAsync<long>("SELECT count(*) FROM currant.dashboard_actions");

    [Test]
    public async Task Overview_ShowsEachQueuesPendingAndLastHour_AndTheWorkersWithTheirHeartbeats()
    {
        var idle = NewQueue("idle");
        var busy = NewQueue("busy");
        await ChargeCardJob.Options(queue: idle, client: Client).QueueMany([("ana", "4111111111111111", 1), ("bo", "4000000000000002", 2)]);
        var done = await ChargeCardJob.Options(queue: busy, client: Client).Queue("cy", "5555555555554444", 3);
        await using var host = await DashboardHost.StartAsync(Client);
        using var browser = new DashboardBrowser(host);
        await using (var worker = await StartWorkerAsync(busy))
        {
            await done.GetResultAsync(Wait);
            var page = await browser.GetPageAsync("");
            Assert.That(page, Does.Contain($"data-queue=\"{idle}\""));
            Assert.That(Row(page, idle), Does.Contain("<td class=\"num pending\">2</td>"), "two pending in the idle queue");
            Assert.That(Row(page, busy), Does.Contain("<td class=\"num completed\">1</td>"), "one completed in the last hour");
            Assert.That(page, Does.Contain("<table id=\"workers\">").And.Contain(busy), "the worker and its queue");
            Assert.That(page, Does.Contain(" ago</td>"), "its last heartbeat");
        }

        var live = await browser.GetPageAsync("overview/live");
        Assert.That(live, Does.Not.Contain("<html"), "the live fragment is only the tables");
        Assert.That(live, Does.Contain(idle));
    }

    private static string Row(string page, string queue)
    {
        var start = page.IndexOf($"data-queue=\"{queue}\"", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"a row for {queue}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Test]
    public async Task Executions_FilterByQueueNameStateAndKey_PageByKeyset_AndCapTheCount()
    {
        var queue = NewQueue("list");
        var handles = await ChargeCardJob.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 5).Select(i => ($"c{i}", "4111111111111111", i)).ToList());
        var keyed = await AlwaysFails.Options(queue: queue, idempotencyKey: "order-" + queue, client: Client).Queue("never runs");
        await using var host = await DashboardHost.StartAsync(Client, o => { o.PageSize = 2; o.CountCap = 4; });
        using var browser = new DashboardBrowser(host);

        var first = await browser.GetPageAsync($"executions?queue={queue}&name=ChargeCardJob&state=pending");
        Assert.That(first, Does.Contain("4+ matching"), "five match; the count stops at the cap");
        var ids = handles.Select(h => h.Id).OrderDescending().ToList();
        Assert.That(first, Does.Contain(ids[0].ToString()).And.Contain(ids[1].ToString()).And.Not.Contain(ids[2].ToString()), "newest first, two per page");
        Assert.That(first, Does.Not.Contain(keyed.Id.ToString()), "the name filter");
        Assert.That(first, Does.Contain($"before={ids[1]}"), "the older link carries the last id");

        var second = await browser.GetPageAsync($"executions?queue={queue}&name=ChargeCardJob&state=pending&before={ids[1]}");
        Assert.That(second, Does.Contain(ids[2].ToString()).And.Contain(ids[3].ToString()).And.Not.Contain(ids[1].ToString()));
        var third = await browser.GetPageAsync($"executions?queue={queue}&name=ChargeCardJob&state=pending&before={ids[3]}");
        Assert.That(third, Does.Contain(ids[4].ToString()).And.Not.Contain("class=\"older\""), "the last page has no older link");

        var byKey = await browser.GetPageAsync($"executions?q=order-{queue}");
        Assert.That(byKey, Does.Contain(keyed.Id.ToString()).And.Contain("1 matching"));
        var byId = await browser.GetPageAsync($"executions?q={ids[2]}");
        Assert.That(byId, Does.Contain("1 matching"));
        var byKind = await browser.GetPageAsync($"executions?queue={queue}&kind=workflow");
        Assert.That(byKind, Does.Contain("0 matching"));
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(await browser.GetPageAsync($"executions?queue={queue}&from={future}"), Does.Contain("0 matching"), "a time range is an id range");
        Assert.That(await browser.GetPageAsync($"executions?queue={queue}&to={future}"), Does.Contain("4+ matching"));

        using var bad = await browser.GetAsync("executions?state=exploded");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("Unknown state &#39;exploded&#39;"));
        using var badTime = await browser.GetAsync("executions?from=yesterday");
        Assert.That(badTime.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Detail_ShowsTimingsResultAndError_AndRedactsSensitiveArguments_WhileTheyAreStoredAsGiven()
    {
        var queue = NewQueue("detail");
        var charge = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 42);
        var fails = await AlwaysFails.Options(queue: queue, client: Client).Queue("card declined");
        await using (await StartWorkerAsync(queue))
        {
            Assert.That(await charge.GetResultAsync(Wait), Is.EqualTo("ana:1111:42"), "the job got the real card number");
            await Assert.ThrowsAsync<ExecutionFailedException>(async () => await fails.GetResultAsync(Wait));
        }

        await using var host = await DashboardHost.StartAsync(Client);
        using var browser = new DashboardBrowser(host);
        var page = await browser.GetPageAsync($"executions/{charge.Id}");
        Assert.That(page, Does.Not.Contain("4111111111111111"), "the card number is not shown");
        Assert.That(page, Does.Contain("[&quot;ana&quot;,&quot;***&quot;,42]"), "the other arguments are");
        Assert.That(page, Does.Contain("ana:1111:42"), "the result");
        Assert.That(page, Does.Contain("<dt>ran</dt>").And.Contain("<dt>attempt</dt><dd>1 of ").And.Contain("<dt>trace id</dt>"));
        Assert.That(await ScalarAsync<string>("SELECT args::text FROM currant.executions WHERE id = @id", ("id", charge.Id)), Does.Contain("4111111111111111"), "stored as given");

        var failed = await browser.GetPageAsync($"executions/{fails.Id}");
        Assert.That(failed, Does.Contain("System.InvalidOperationException").And.Contain("card declined").And.Contain("class=\"stack\""));

        using var missing = await browser.GetAsync($"executions/{Guid.NewGuid()}");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var notAnId = await browser.GetAsync("executions/not-a-guid");
        Assert.That(notAnId.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task CommandLine_StatusAndList_RedactSensitiveArguments()
    {
        var queue = NewQueue("cli");
        var charge = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 42);
        var info = await Client.GetExecutionAsync(charge.Id);
        var text = ExecutionText.Details(info!);
        var json = ExecutionJson.Write(info!);
        Assert.That(text, Does.Not.Contain("4111111111111111").And.Contain("\"***\""));
        Assert.That(json, Does.Not.Contain("4111111111111111").And.Contain("\"***\""));
        Assert.That(info!.Arguments, Does.Contain("4111111111111111"), "the client API returns what is stored");
    }

    [Test]
    public async Task Actions_AreRefusedWithoutAPolicy_AndChangeNothing()
    {
        var queue = NewQueue("ro");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 1);
        var before = await ActionCountAsync();
        await using var host = await DashboardHost.StartAsync(Client);
        using var browser = new DashboardBrowser(host, "ana", "ops");
        var page = await browser.GetPageAsync($"executions/{job.Id}");
        Assert.That(page, Does.Contain("read-only").And.Not.Contain("id=\"cancel\""), "no action buttons");

        using var response = await browser.PostAsync($"executions/{job.Id}/cancel");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var bulk = await browser.PostAsync("executions/bulk-cancel", [Field("queue", queue)]);
        Assert.That(bulk.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await StateAsync(job.Id), Is.EqualTo("pending"));
        Assert.That(await ActionCountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Actions_NeedThePolicyAndAnAntiforgeryToken()
    {
        var queue = NewQueue("auth");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 1);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        var before = await ActionCountAsync();

        using (var viewer = new DashboardBrowser(host, "vic"))
        {
            var page = await viewer.GetPageAsync($"executions/{job.Id}");
            Assert.That(page, Does.Contain("read-only").And.Not.Contain("id=\"cancel\""));
            using var refused = await viewer.PostAsync($"executions/{job.Id}/cancel");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "signed in, but not in the ops policy");
        }

        using (var anonymous = new DashboardBrowser(host))
        {
            using var refused = await anonymous.PostAsync($"executions/{job.Id}/cancel");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        using var ops = new DashboardBrowser(host, "olga", "ops");
        using (var forged = await ops.PostAsync($"executions/{job.Id}/cancel"))
        {
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "no antiforgery token");
        }

        Assert.That(await StateAsync(job.Id), Is.EqualTo("pending"), "nothing changed");
        Assert.That(await ActionCountAsync(), Is.EqualTo(before), "and nothing was recorded");

        using var done = await ops.PostAsync($"executions/{job.Id}/cancel", tokenFrom: $"executions/{job.Id}");
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(done.Headers.Location!.ToString(), Does.StartWith($"/currant/executions/{job.Id}?done="));
        Assert.That(await StateAsync(job.Id), Is.EqualTo("cancelled"));

        var audit = await ops.GetPageAsync("actions");
        Assert.That(audit, Does.Contain("olga").And.Contain("<td class=\"action\">cancel</td>").And.Contain(job.Id.ToString()).And.Contain("cancelled"));

        // A finished execution's page offers no action, so the token comes from the list's bulk form (tokens are per user, not per form).
        using var again = await ops.PostAsync($"executions/{job.Id}/cancel", tokenFrom: "executions");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "already cancelled");
        Assert.That(await ActionCountAsync(), Is.EqualTo(before + 2), "both recorded, the refusal too");
    }

    [Test]
    public async Task Retry_GivesAFailedJobAnotherAttempt()
    {
        var queue = NewQueue("retry");
        var fails = await AlwaysFails.Options(queue: queue, client: Client).Queue("boom");
        await using (await StartWorkerAsync(queue))
        {
            await Assert.ThrowsAsync<ExecutionFailedException>(async () => await fails.GetResultAsync(Wait));
        }

        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");
        Assert.That(await ops.GetPageAsync($"executions/{fails.Id}"), Does.Contain("id=\"retry\""));
        using var retried = await ops.PostAsync($"executions/{fails.Id}/retry", tokenFrom: $"executions/{fails.Id}");
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(await StateAsync(fails.Id), Is.EqualTo("pending"));
        Assert.That(await ScalarAsync<int>("SELECT max_attempts FROM currant.executions WHERE id = @id", ("id", fails.Id)), Is.EqualTo(2));

        using var notFailed = await ops.PostAsync($"executions/{fails.Id}/resume", tokenFrom: $"executions/{fails.Id}");
        Assert.That(notFailed.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "resume is for parked workflows");
    }

    [Test]
    public async Task Workflow_TimelineShowsStepsAndSignals_AndASignalSentFromTheDashboardIsValidatedAndDelivered()
    {
        var queue = NewQueue("wf");
        var flow = await WaitsForGo.Options(queue: queue, client: Client).Queue("k1");
        await using var worker = await StartWorkerAsync(queue);
        await WaitUntilAsync(async () => await StateAsync(flow.Id) == "suspended");
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");

        var page = await ops.GetPageAsync($"executions/{flow.Id}");
        Assert.That(page, Does.Contain("id=\"timeline\"").And.Contain("<span class=\"name\">prepare</span>").And.Contain("k1-prepared"));
        Assert.That(page, Does.Contain("data-kind=\"signal\""), "the signal wait");
        Assert.That(page, Does.Contain("id=\"signal-form\""));

        using (var invalid = await ops.PostAsync($"executions/{flow.Id}/signal", [Field("name", "go"), Field("payload", "{not json")], tokenFrom: $"executions/{flow.Id}"))
        {
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("not valid JSON"));
        }

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id", ("id", flow.Id)), Is.Zero, "nothing stored");

        using (var sent = await ops.PostAsync($"executions/{flow.Id}/signal", [Field("name", "go"), Field("payload", "\"now\"")], tokenFrom: $"executions/{flow.Id}"))
        {
            Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        Assert.That(await flow.GetResultAsync(Wait), Is.EqualTo("k1-prepared:now"));
        var after = await ops.GetPageAsync($"executions/{flow.Id}");
        Assert.That(after, Does.Contain("data-kind=\"signal-received\"").And.Contain("consumed by #"));
        Assert.That(after, Does.Not.Contain("id=\"signal-form\""), "a finished workflow takes no signal");
    }

    [Test]
    public async Task ParkedWorkflow_ShowsTheExpectedAndFoundCall_AndResumes()
    {
        var queue = NewQueue("parked");
        var flow = await WaitsForGo.Options(queue: queue, client: Client).Queue("k2");
        var message = $"Workflow 'WaitsForGo' ({flow.Id}) is not deterministic at step 1: history expected step 'prepare', but the code now calls step 'prepare-v2'. Restore the old code path, or guard the change with Workflow.GetVersion.";
        await ScalarAsync<object>(
            "UPDATE currant.executions SET state = 'suspended', error = jsonb_build_object('type', 'Currant.NondeterminismException', 'message', @m::text) WHERE id = @id RETURNING 1",
            ("id", flow.Id), ("m", message));
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");

        var page = await ops.GetPageAsync($"executions/{flow.Id}");
        Assert.That(page, Does.Contain("id=\"parked\"").And.Contain("<dt>expected</dt><dd>step &#39;prepare&#39;</dd>").And.Contain("<dt>found</dt><dd>step &#39;prepare-v2&#39;</dd>"));
        var list = await ops.GetPageAsync($"executions?queue={queue}&state=parked");
        Assert.That(list, Does.Contain(flow.Id.ToString()).And.Contain("1 matching"));

        using var resumed = await ops.PostAsync($"executions/{flow.Id}/resume", tokenFrom: $"executions/{flow.Id}");
        Assert.That(resumed.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(await StateAsync(flow.Id), Is.EqualTo("pending"));
    }

    [Test]
    public async Task BulkCancel_CancelsEveryUnfinishedMatch_AndIsRecorded()
    {
        var queue = NewQueue("bulk");
        var other = NewQueue("bulk-other");
        var handles = await ChargeCardJob.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 3).Select(i => ($"c{i}", "4111111111111111", i)).ToList());
        var untouched = await ChargeCardJob.Options(queue: other, client: Client).Queue("x", "4111111111111111", 1);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        using var ops = new DashboardBrowser(host, "olga", "ops");

        using var response = await ops.PostAsync("executions/bulk-cancel", [Field("queue", queue)], tokenFrom: $"executions?queue={queue}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        foreach (var h in handles)
        {
            Assert.That(await StateAsync(h.Id), Is.EqualTo("cancelled"));
        }

        Assert.That(await StateAsync(untouched.Id), Is.EqualTo("pending"), "outside the filter");
        var audit = await ops.GetPageAsync("actions");
        Assert.That(audit, Does.Contain("bulk-cancel").And.Contain("cancelled 3").And.Contain($"queue={queue}"));

        using var retried = await ops.PostAsync("executions/bulk-retry", [Field("queue", queue)], tokenFrom: $"executions?queue={queue}");
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(await ops.GetPageAsync("actions"), Does.Contain("retried 0"), "cancelled executions are not failed ones");
    }

    [Test]
    public async Task PathBase_AndPrefix_AreInEveryLinkFormAndAsset()
    {
        await using var host = await DashboardHost.StartAsync(Client, prefix: "/jobs", pathBase: "/ops");
        Assert.That(host.Root.AbsolutePath, Is.EqualTo("/ops/jobs/"));
        using var browser = new DashboardBrowser(host);
        var page = await browser.GetPageAsync("");
        Assert.That(page, Does.Contain("href=\"/ops/jobs/executions\"").And.Contain("src=\"/ops/jobs/assets/dashboard.js?v=").And.Contain("data-base=\"/ops/jobs\""));
        var list = await browser.GetPageAsync("executions");
        Assert.That(list, Does.Contain("action=\"/ops/jobs/executions\""));
        using var css = await browser.GetAsync("assets/dashboard.css");
        Assert.That(css.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(css.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/css"));
        Assert.That(css.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'self'"));
        using var missing = await browser.GetAsync("assets/nothing.js");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task RequireAuthorization_OnTheReturnedGroup_KeepsAnonymousUsersOut()
    {
        await using var host = await DashboardHost.StartAsync(Client, requireSignIn: true);
        using (var anonymous = new DashboardBrowser(host))
        {
            using var response = await anonymous.GetAsync("");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var signedIn = new DashboardBrowser(host, "ana");
        Assert.That(await signedIn.GetPageAsync(""), Does.Contain("<h1>Overview</h1>"));
    }

    [Test]
    public async Task Events_StreamAChangeWhenAJobIsQueued()
    {
        var queue = NewQueue("sse");
        await using var host = await DashboardHost.StartAsync(Client);
        using var http = new HttpClient { BaseAddress = host.Root, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/event-stream"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.That(await reader.ReadLineAsync(), Is.EqualTo("retry: 2000"));
        await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 1);
        using var timeout = new CancellationTokenSource(Wait);
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && line != "event: change");

        Assert.That(line, Is.EqualTo("event: change"));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
