using Currant.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Currant.Tests.Hosting;

/// <summary><c>host.RunWithCurrantCommandsAsync(args)</c>: the currant commands inside the application.</summary>
public sealed class CurrantHostExtensionsTests : CurrantFixture
{
    [TearDown]
    public void RestoreDefault() => CurrantClient.Default = Client;

    private static async Task<(int Code, string Output, string Error)> RunAsync(IHost host, string[] args, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CurrantHostExtensions.RunWithCurrantCommandsAsync(host, args, output, error, cancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [TestCase("worker -q emails", "worker -q emails")]
    [TestCase("list --json", "list --json")]
    [TestCase("currant status x", "status x")]
    [TestCase("currant", "")]
    public void CommandArguments_StartingWithACurrantCommand_GoToTheCommandLine(string args, string expected)
        => Assert.That(CurrantHostExtensions.CommandArguments(Split(args)), Is.EqualTo(Split(expected)));

    [TestCase("")]
    [TestCase("--urls http://127.0.0.1:0")]
    [TestCase("dev")]
    [TestCase("serve worker")]
    public void CommandArguments_OfTheApplicationItself_RunTheHost(string args)
        => Assert.That(CurrantHostExtensions.CommandArguments(Split(args)), Is.Null);

    private static string[] Split(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public async Task Migrate_MigratesTheDatabaseTheApplicationIsConfiguredWith()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("hostcli");
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["ConnectionStrings:Currant"] = fresh });
        builder.Services.AddCurrant();

        var (code, output, error) = await RunAsync(builder.Build(), ["migrate"]);

        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain($"Applied {Currant.Persistence.Migrator.All.Count} migration(s)"));
    }

    [Test]
    public async Task List_ReadsTheApplicationsDatabase()
    {
        var queue = NewQueue();
        var handle = await Greet.Options(queue: queue, client: Client).Queue("listed");
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["ConnectionStrings:Currant"] = ConnectionString });
        builder.Services.AddCurrant();

        var (code, output, error) = await RunAsync(builder.Build(), ["currant", "list", "--queue", queue, "--json"]);

        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain(handle.Id.ToString()));
    }

    [Test]
    public async Task Worker_RunsTheApplicationsJobsWithItsContainer_OnTheQueuesGiven_UntilCancelled()
    {
        var queue = NewQueue();
        var handle = await ReportScope.Options(queue: queue, client: Client).Queue();
        var settings = TestHosts.Settings(ConnectionString, "not-this-one");
        var builder = TestHosts.Builder(settings);
        builder.Services.AddScoped<ScopedDependency>();
        builder.Services.AddSingleton<SingletonDependency>();
        builder.Services.AddCurrant();
        var host = builder.Build();
        using var stop = new CancellationTokenSource();

        var running = RunAsync(host, ["worker", "-q", queue, "-c", "2"], stop.Token);
        var info = await Client.WaitForCompletionAsync(handle.Id, Wait);
        await stop.CancelAsync();
        var (code, output, error) = await running;

        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed), info.Error?.Message);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain($"serving [{queue}] with concurrency 2").And.Contain("ReportScope"));
        Assert.That(output, Does.Contain("Stopping"));
    }

    [Test]
    public async Task Worker_WithAConfigurationMistake_FailsWithOneReadableLine()
    {
        var settings = TestHosts.Settings(ConnectionString, NewQueue());
        settings["Currant:Worker:MaxConcurency"] = "8";
        var builder = TestHosts.Builder(settings);
        builder.Services.AddCurrant();

        var (code, _, error) = await RunAsync(builder.Build(), ["worker"]);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Does.StartWith("error: Unknown Currant setting 'Currant:Worker:MaxConcurency'").And.Not.Contain("   at "));
    }

    [Test]
    public async Task NoCommand_RunsTheHostWithItsWorkerUntilItStops()
    {
        var queue = NewQueue();
        var builder = TestHosts.Builder(TestHosts.Settings(ConnectionString, queue));
        builder.Services.AddCurrant().AddWorker();
        var host = builder.Build();
        using var stop = new CancellationTokenSource();
        var handle = await Greet.Options(queue: queue, client: Client).Queue("app");

        var running = RunAsync(host, ["--urls", "http://127.0.0.1:0"], stop.Token);
        var info = await Client.WaitForCompletionAsync(handle.Id, Wait);
        await stop.CancelAsync();
        var (code, _, _) = await running;

        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed));
        Assert.That(code, Is.Zero);
    }
}
