using System.Net;
using System.Text.RegularExpressions;

namespace Currant.Tests.Dashboard;

/// <summary><c>currant dashboard</c>: the tool serves the dashboard by itself, read-only unless --allow-actions.</summary>
public sealed partial class DashboardCommandTests : CurrantFixture
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private async Task<(AppProcess Process, Uri Root)> StartAsync(params string[] extra)
    {
        var args = new List<string>
        {
            "dashboard", "--database-url", ConnectionString, "--port", "0",
            "--assembly", Path.Combine(TestContext.CurrentContext.TestDirectory, "Currant.Tests.dll"),
        };
        args.AddRange(extra);
        var process = AppProcess.Start(RepoPaths.Output("Currant.Cli", "currant.dll"), args);
        var line = await process.WaitForLineAsync(l => l.StartsWith("Currant dashboard on ", StringComparison.Ordinal), StartTimeout);
        return (process, new Uri(Url().Match(line).Value));
    }

    [Test]
    public async Task Dashboard_IsReadOnlyByDefault_AndRedactsWithTheApplicationsAssembly()
    {
        var queue = NewQueue("tool");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("ana", "4111111111111111", 5);
        var (process, root) = await StartAsync();
        await using (process)
        {
            using var browser = new DashboardBrowser(root);
            Assert.That(await browser.GetPageAsync(""), Does.Contain("<h1>Overview</h1>").And.Contain("read-only"));
            var detail = await browser.GetPageAsync($"executions/{job.Id}");
            Assert.That(detail, Does.Contain("&quot;***&quot;").And.Not.Contain("4111111111111111"));
            using var refused = await browser.PostAsync($"executions/{job.Id}/cancel");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", job.Id)), Is.EqualTo("pending"));
            Assert.That(await process.TerminateAsync(TimeSpan.FromSeconds(30)), Is.Zero, "Ctrl-C/SIGTERM stops it cleanly");
        }
    }

    [Test]
    public async Task Dashboard_WithAllowActions_CancelsAndRecordsTheAction()
    {
        var queue = NewQueue("tool-act");
        var job = await ChargeCardJob.Options(queue: queue, client: Client).Queue("bo", "4111111111111111", 6);
        var (process, root) = await StartAsync("--allow-actions");
        await using (process)
        {
            using var browser = new DashboardBrowser(root);
            using var done = await browser.PostAsync($"executions/{job.Id}/cancel", tokenFrom: $"executions/{job.Id}");
            Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
            Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", job.Id)), Is.EqualTo("cancelled"));
            Assert.That(await ScalarAsync<string>("SELECT actor FROM currant.dashboard_actions WHERE execution_id = @id", ("id", job.Id)), Does.StartWith("anonymous (127.0.0.1"));
        }
    }

    [Test]
    public async Task Dashboard_WithABadPort_SaysSoAndExits()
    {
        var (exit, output) = await AppProcess.RunAsync(RepoPaths.Output("Currant.Cli", "currant.dll"), ["dashboard", "--database-url", ConnectionString, "--port", "70000"]);
        Assert.That(exit, Is.Not.Zero);
        Assert.That(output, Does.Contain("--port 70000 is not a port"));
    }

    [GeneratedRegex(@"http://[^ ]+/")]
    private static partial Regex Url();
}
