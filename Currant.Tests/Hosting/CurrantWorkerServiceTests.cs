using Currant.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Currant.Tests.Hosting;

/// <summary>The hosted worker: runs with the host, takes dependencies from its container, drains on stop.</summary>
public sealed class CurrantWorkerServiceTests : CurrantFixture
{
    [TearDown]
    public void RestoreDefault() => CurrantClient.Default = Client;

    [Test]
    public async Task HostedWorker_RunsJobsFromTheStartOfTheHostToItsStop()
    {
        var queue = NewQueue();
        var builder = TestHosts.Builder(TestHosts.Settings(ConnectionString, queue));
        builder.Services.AddCurrant().AddWorker();
        using var host = builder.Build();

        await host.StartAsync();
        var greeting = await (await Greet.Options(queue: queue).Queue("host")).GetResultAsync(Wait);
        await host.StopAsync();

        Assert.That(greeting.Text, Is.EqualTo("Hello, host!"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.workers WHERE @q = ANY(queues)", ("q", queue)), Is.Zero, "the stopped worker deregistered");
    }

    [Test]
    public async Task HostedWorker_GivesEachExecutionItsOwnScopeFromTheHostsContainer()
    {
        var queue = NewQueue();
        var builder = TestHosts.Builder(TestHosts.Settings(ConnectionString, queue));
        builder.Services.AddScoped<ScopedDependency>();
        builder.Services.AddSingleton<SingletonDependency>();
        builder.Services.AddCurrant().AddWorker();
        using var host = builder.Build();
        await host.StartAsync();

        var handles = await ReportScope.Options(queue: queue).QueueMany(3);
        var reports = new List<ScopeReport>();
        foreach (var handle in handles)
        {
            reports.Add(await handle.GetResultAsync(Wait));
        }

        await host.StopAsync();
        var singleton = host.Services.GetRequiredService<SingletonDependency>();
        Assert.That(reports.Select(r => r.Scoped).Distinct().Count(), Is.EqualTo(3), "one scoped instance per execution");
        Assert.That(reports.Select(r => r.Singleton), Is.All.EqualTo(singleton.Id), "the host's own singleton");
        Assert.That(reports.Select(r => ScopedDependency.Disposed.ContainsKey(r.Scoped)), Is.All.True, "each scope is disposed when its execution ends");
    }

    [Test]
    public async Task StopAsync_WithInFlightWork_FinishesWhatEndsInTimeAndHandsBackTheRestWithinTheShutdownTimeout()
    {
        var queue = NewQueue();
        var key = NewKey();
        var gate = Gate.For(key);
        var settings = TestHosts.Settings(ConnectionString, queue);
        settings["Currant:Worker:ShutdownGrace"] = "60s";
        var builder = TestHosts.Builder(settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddCurrant().AddWorker();
        var host = builder.Build();
        await host.StartAsync();

        var finishing = await Hold.Options(queue: queue).QueueMany([(key, false), (key, false)]);
        var held = await Hold.Options(queue: queue).QueueMany([(key, true), (key, true)]);
        await gate.WaitAsync(g => g.Started == 4, Wait);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var stopping = host.StopAsync();
        gate.Release.SetResult();
        await stopping;
        stopwatch.Stop();
        host.Dispose();

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the host's 2 s shutdown timeout ends the 60 s grace period");
        Assert.That(gate.Finished, Is.EqualTo(2), "executions that could finish did");
        Assert.That(gate.Cancelled, Is.EqualTo(2), "the others saw their token fire: nothing is left running");
        foreach (var handle in finishing)
        {
            Assert.That((await Client.GetExecutionAsync(handle.Id))!.State, Is.EqualTo(ExecutionState.Completed));
        }

        foreach (var handle in held)
        {
            var info = (await Client.GetExecutionAsync(handle.Id))!;
            Assert.That(info.State, Is.EqualTo(ExecutionState.Pending), "handed back to the queue");
            Assert.That(info.Attempt, Is.Zero, "a handed-back attempt is not counted");
        }

        // Nothing is lost: the next host runs what the first handed back.
        gate.Holding = false;
        using var next = TestHosts.Builder(TestHosts.Settings(ConnectionString, queue)).Also(b => b.Services.AddCurrant().AddWorker()).Build();
        await next.StartAsync();
        foreach (var handle in held)
        {
            var info = await Client.WaitForCompletionAsync(handle.Id, Wait);
            Assert.That(info.State, Is.EqualTo(ExecutionState.Completed));
        }

        await next.StopAsync();
    }

    [Test]
    public async Task TwoNamedWorkers_EachServeTheirOwnQueues()
    {
        var fast = NewQueue("fast");
        var slow = NewQueue("slow");
        var builder = TestHosts.Builder(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Currant"] = ConnectionString,
            ["Currant:Workers:fast:Queues"] = fast,
            ["Currant:Workers:fast:PollInterval"] = "200ms",
            ["Currant:Workers:slow:Queues"] = slow,
            ["Currant:Workers:slow:MaxConcurrency"] = "1",
            ["Currant:Workers:slow:PollInterval"] = "200ms",
        });
        builder.Services.AddCurrant().AddWorker("fast").AddWorker("slow");
        using var host = builder.Build();
        await host.StartAsync();

        var a = await Greet.Options(queue: fast).Queue("fast");
        var b = await Greet.Options(queue: slow).Queue("slow");

        Assert.That((await a.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, fast!"));
        Assert.That((await b.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, slow!"));
        await host.StopAsync();
    }
}
