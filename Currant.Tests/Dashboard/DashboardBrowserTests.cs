using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Currant.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: Debian's chromium driven by Playwright (never a downloaded browser). Every test
/// records every request the page makes and checks that none leaves the dashboard's origin.
/// </summary>
public sealed class DashboardBrowserTests : CurrantFixture
{
    /// <summary>Debian's chromium (.ci/run installs it when missing).</summary>
    private const string Chromium = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task LaunchAsync()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: install Debian's chromium (apt-get install -y chromium); these tests never download a browser.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        // Root in a container has no user namespaces for chromium's sandbox.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    [OneTimeTearDown]
    public async Task CloseAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh browser context (its own cookies), signed in as <paramref name="user"/>, recording every request.</summary>
    private async Task<(IPage Page, ConcurrentQueue<string> Requests)> OpenAsync(string? user = null, string? roles = null)
    {
        var headers = new Dictionary<string, string>();
        if (user is not null)
        {
            headers["X-Test-User"] = user;
        }

        if (roles is not null)
        {
            headers["X-Test-Roles"] = roles;
        }

        var context = await _browser.NewContextAsync(new() { ExtraHTTPHeaders = headers });
        var requests = new ConcurrentQueue<string>();
        context.Request += (_, r) => requests.Enqueue(r.Url);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return (page, requests);
    }

    /// <summary>
    /// With CURRANT_DASHBOARD_SCREENSHOTS set to a folder, saves the page there (how docs/images/dashboard-*.png are
    /// made); otherwise does nothing.
    /// </summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("CURRANT_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.SetViewportSizeAsync(1280, 800);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"dashboard-{name}.png"), FullPage = true });
        }
    }

    private static void AssertSameOrigin(DashboardHost host, IEnumerable<string> requests)
    {
        var all = requests.ToList();
        Assert.That(all, Is.Not.Empty);
        Assert.That(all.Where(u => !u.StartsWith(host.Origin.ToString(), StringComparison.Ordinal)), Is.Empty, "no request leaves the dashboard's origin");
    }

    [Test]
    public async Task Overview_UpdatesWithoutReload_WhenAJobIsQueuedAndCompletes()
    {
        var queue = NewQueue("live");
        await using var host = await DashboardHost.StartAsync(Client);
        var (page, requests) = await OpenAsync();
        await page.GotoAsync(host.Root.ToString());
        await Expect(page.Locator("html[data-live-connected]")).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => { window.loadedOnce = 'yes'; }");
        await Expect(page.Locator($"tr[data-queue='{queue}']")).ToHaveCountAsync(0);

        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 1);
        await Expect(page.Locator($"tr[data-queue='{queue}'] td.pending")).ToHaveTextAsync("1");

        await using (await StartWorkerAsync(queue))
        {
            await job.GetResultAsync(Wait);
            await Expect(page.Locator($"tr[data-queue='{queue}'] td.completed")).ToHaveTextAsync("1");
            await Expect(page.Locator($"tr[data-queue='{queue}'] td.pending")).ToHaveTextAsync("0");
            await ScreenshotAsync(page, "overview");
        }

        Assert.That(await page.EvaluateAsync<string>("() => window.loadedOnce"), Is.EqualTo("yes"), "the page was never reloaded");
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Detail_CancelButton_CancelsThePendingJob()
    {
        var queue = NewQueue("click");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("bo", "4111111111111111", 2);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        var (page, requests) = await OpenAsync("olga", "ops");
        await page.GotoAsync(new Uri(host.Root, $"executions/{job.Id}").ToString());
        await Expect(page.Locator("#mode")).ToHaveTextAsync("actions enabled");
        await Expect(page.Locator("#arguments pre")).Not.ToContainTextAsync("4111111111111111");
        await ScreenshotAsync(page, "execution");

        await page.ClickAsync("#cancel");
        await Expect(page.Locator("h1 .state")).ToHaveTextAsync("cancelled");
        await Expect(page.Locator("#flash")).ToContainTextAsync("Cancel: cancelled");
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", job.Id)), Is.EqualTo("cancelled"));
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Executions_FilterOpenAWorkflowAndSendItASignal_WhileAViewerIsRefused()
    {
        var queue = NewQueue("flow");
        var flow = await WaitsForGo.Options(queue: queue, client: Client).Queue("b1");
        await using var worker = await StartWorkerAsync(queue);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");

        var (viewer, viewerRequests) = await OpenAsync("vic");
        await viewer.GotoAsync(new Uri(host.Root, $"executions/{flow.Id}").ToString());
        await Expect(viewer.Locator("#signal-form")).ToHaveCountAsync(0);
        var status = await viewer.EvaluateAsync<int>(
            "async url => (await fetch(url, { method: 'POST', body: new URLSearchParams({ name: 'go', payload: '\"sneaky\"' }) })).status",
            new Uri(host.Root, $"executions/{flow.Id}/signal").ToString());
        Assert.That(status, Is.EqualTo(403), "a viewer's forged post is refused");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id", ("id", flow.Id)), Is.Zero, "and changes nothing");
        AssertSameOrigin(host, viewerRequests);
        await viewer.Context.CloseAsync();

        var (page, requests) = await OpenAsync("olga", "ops");
        await page.GotoAsync(new Uri(host.Root, "executions").ToString());
        await page.SelectOptionAsync("select[name=kind]", "workflow");
        await page.FillAsync("input[name=queue]", queue);
        await page.ClickAsync("#filters button[type=submit]");
        await Expect(page.Locator("#count")).ToHaveTextAsync("1 matching");
        await ScreenshotAsync(page, "executions");
        await page.ClickAsync($"a[href$='/executions/{flow.Id}']");
        await Expect(page.Locator("#timeline li[data-kind='step']")).ToHaveCountAsync(1);

        await page.FillAsync("#signal-form input[name=name]", "go");
        await page.FillAsync("#signal-form textarea[name=payload]", "\"from the browser\"");
        await page.ClickAsync("#signal-form button");
        await Expect(page.Locator("#flash")).ToContainTextAsync("signal 'go' stored");
        Assert.That(await flow.GetResultAsync(Wait), Is.EqualTo("b1-prepared:from the browser"));
        // No reload by the test: the page reloads itself when the workflow changes (a reload here would race it).
        await Expect(page.Locator("h1 .state")).ToHaveTextAsync("completed");
        await Expect(page.Locator("#timeline li[data-kind='signal-received']")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "timeline");
        await page.GotoAsync(new Uri(host.Root, "actions").ToString());
        await ScreenshotAsync(page, "actions");
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Schedules_TriggerNowAndPause_FromTheBrowser()
    {
        var queue = NewQueue("sched");
        var name = "nightly-charge-" + NewKey()[..8];
        await ChargeCardJob.Options(queue: queue, client: Client).Schedule(name, new ScheduleSpec("0 3 * * *") { TimeZone = "Europe/Berlin" }, "ana", "4111111111111111", 12);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        var (page, requests) = await OpenAsync("olga", "ops");
        await page.GotoAsync(new Uri(host.Root, "schedules").ToString());
        var row = page.Locator($"tr[data-schedule='{name}']");
        await Expect(row.Locator("td.next")).Not.ToHaveTextAsync("-");
        await ScreenshotAsync(page, "schedules");

        await row.Locator("#trigger").ClickAsync();
        await Expect(page.Locator("#flash")).ToContainTextAsync("Trigger: run ");
        await Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#runs tbody tr td").Nth(1)).ToHaveTextAsync("triggered");
        await Expect(page.Locator("#arguments pre")).Not.ToContainTextAsync("4111111111111111");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key LIKE @k", ("k", $"schedule:{name}:trigger:%")), Is.EqualTo(1));

        await page.ClickAsync("#actions #pause");
        await Expect(page.Locator("#flash")).ToContainTextAsync("Pause: paused");
        await Expect(page.Locator("h1 .state")).ToHaveTextAsync("paused");
        Assert.That(await ScalarAsync<bool>("SELECT paused FROM currant.schedules WHERE name = @n", ("n", name)), Is.True);
        await ScreenshotAsync(page, "schedule");
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Queues_PauseAndSetALimit_FromTheBrowser_WhileAViewerIsRefused()
    {
        var queue = NewQueue("payments");
        await ChargeCardJob.Options(queue: queue, client: Client).QueueMany([("ana", "4111111111111111", 1), ("bo", "4111111111111111", 2)]);
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");

        var (viewer, viewerRequests) = await OpenAsync("vic");
        await viewer.GotoAsync(new Uri(host.Root, "queues").ToString());
        await Expect(viewer.Locator($"tr[data-queue='{queue}'] td.pending")).ToHaveTextAsync("2");
        await Expect(viewer.Locator("#pause")).ToHaveCountAsync(0);
        var status = await viewer.EvaluateAsync<int>(
            "async url => (await fetch(url, { method: 'POST', body: new URLSearchParams({ queue: '" + queue + "' }) })).status",
            new Uri(host.Root, "queues/pause").ToString());
        Assert.That(status, Is.EqualTo(403), "a viewer's forged post is refused");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.queues WHERE name = @q", ("q", queue)), Is.Zero, "and changes nothing");
        AssertSameOrigin(host, viewerRequests);
        await viewer.Context.CloseAsync();

        var (page, requests) = await OpenAsync("olga", "ops");
        await page.GotoAsync(new Uri(host.Root, "queues").ToString());
        var row = page.Locator($"tr[data-queue='{queue}']");
        await row.Locator("#pause").ClickAsync();
        await Expect(page.Locator("#flash")).ToContainTextAsync("paused");
        await Expect(row.Locator(".state")).ToHaveTextAsync("paused");
        await row.Locator("input[name=limit]").FillAsync("2");
        await row.Locator("#set-limit").ClickAsync();
        await Expect(page.Locator("#flash")).ToContainTextAsync("limit set to 2");
        await Expect(row.Locator("td.limit")).ToHaveTextAsync("2");
        var info = (await Client.Queues.ListAsync()).Single(q => q.Name == queue);
        Assert.That((info.Paused, info.MaxConcurrency), Is.EqualTo((true, (int?)2)));
        await ScreenshotAsync(page, "queues");
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Detail_ReloadsByItself_WhenTheExecutionCompletes()
    {
        var queue = NewQueue("watch");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("cy", "4111111111111111", 3);
        await using var host = await DashboardHost.StartAsync(Client);
        var (page, requests) = await OpenAsync();
        await page.GotoAsync(new Uri(host.Root, $"executions/{job.Id}").ToString());
        await Expect(page.Locator("html[data-live-connected]")).ToHaveCountAsync(1);
        await Expect(page.Locator("h1 .state")).ToHaveTextAsync("pending");
        await using (await StartWorkerAsync(queue))
        {
            await job.GetResultAsync(Wait);
            await Expect(page.Locator("h1 .state")).ToHaveTextAsync("completed");
            await Expect(page.Locator("#result pre")).ToContainTextAsync("cy:1111:3");
        }

        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Executions_FilterByTagInTheForm()
    {
        var queue = NewQueue("tagform");
        var key = NewKey();
        var tagged = await ChargeCardJob.Options(queue: queue, client: Client, tags: new Dictionary<string, string> { ["customer"] = key }).Queue("ana", "4111111111111111", 1);
        await ChargeCardJob.Options(queue: queue, client: Client).Queue("bo", "4111111111111111", 2);
        await using var host = await DashboardHost.StartAsync(Client);
        var (page, requests) = await OpenAsync();
        await page.GotoAsync(new Uri(host.Root, "executions").ToString());
        await page.FillAsync("input[name=queue]", queue);
        await page.FillAsync("input[name=tag]", $"customer={key}");
        await page.ClickAsync("#filters button[type=submit]");
        await Expect(page.Locator("#count")).ToHaveTextAsync("1 matching");
        await Expect(page.Locator($"tr[data-id='{tagged.Id}']")).ToHaveCountAsync(1);
        await page.FillAsync("input[name=tag]", "no-equals-sign");
        await page.ClickAsync("#filters button[type=submit]");
        await Expect(page.Locator("p.error")).ToContainTextAsync("is not a tag: write key=value");
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }

    [Test]
    public async Task Detail_KeepsWhatIsTyped_AndSaysTheExecutionChanged()
    {
        var queue = NewQueue("typing");
        var flow = await WaitsForGo.Options(queue: queue, client: Client).Queue("t1");
        await using var host = await DashboardHost.StartAsync(Client, o => o.ActionsPolicy = "ops");
        var (page, requests) = await OpenAsync("olga", "ops");
        await page.GotoAsync(new Uri(host.Root, $"executions/{flow.Id}").ToString());
        await Expect(page.Locator("html[data-live-connected]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#watch")).ToBeHiddenAsync();
        await page.FillAsync("#signal-form input[name=name]", "half-typed");

        Assert.That(await Client.CancelAsync(flow.Id), Is.True);
        await Expect(page.Locator("#watch")).ToBeVisibleAsync();
        Assert.That(await page.InputValueAsync("#signal-form input[name=name]"), Is.EqualTo("half-typed"), "not reloaded under the user's typing");
        await page.ClickAsync("#watch a");
        await Expect(page.Locator("h1 .state")).ToHaveTextAsync("cancelled");
        AssertSameOrigin(host, requests);
        await page.Context.CloseAsync();
    }
}
