using Currant.Tests.Jobs;
using Currant.Tests.Workflows;
using Npgsql;

namespace Currant.Tests.Worker;

/// <summary>
/// Workers and clients through a real PgBouncer in transaction-pooling mode: with <c>PollOnly</c>, and with LISTEN on a
/// direct connection (<see cref="CurrantClientOptions.ListenConnectionString"/>). Prepared statements are off
/// (<c>Max Auto Prepare=0</c>), as the README tells PgBouncer users.
/// </summary>
public sealed class PgBouncerTests : CurrantFixture
{
    private PgBouncerProcess _bouncer = null!;

    [OneTimeSetUp]
    public async Task StartPgBouncerAsync() => _bouncer = await PgBouncerProcess.StartAsync(ConnectionString);

    [OneTimeTearDown]
    public async Task StopPgBouncerAsync()
    {
        if (_bouncer is not null)
        {
            await _bouncer.DisposeAsync();
        }
    }

    private string Pooled => _bouncer.Through(ConnectionString) + ";Max Auto Prepare=0";

    [Test]
    public async Task StartupOption_ThroughPgBouncer_IsRefused_SoCurrantSendsNone()
    {
        // The failure users hit with 0.1: PgBouncer refuses any `options` startup parameter.
        await using var withOption = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Pooled) { Options = "-c synchronous_commit=off" }.ConnectionString);
        var refused = await Assert.ThrowsAsync<PostgresException>(async () => await withOption.OpenAsync());
        Assert.That(refused!.SqlState, Is.EqualTo("08P01"), _bouncer.Log);

        // Currant's own claims and heartbeats go through the same PgBouncer without one.
        await using var client = await CurrantClient.ConnectAsync(Pooled, new CurrantClientOptions { PollOnly = true });
        var queue = NewQueue();
        await using var worker = await client.StartWorkerAsync(Options(queue, pollOnly: true));
        var greeting = await (await Greet.Options(queue: queue, client: client).Queue("bouncer")).GetResultAsync(Wait);
        Assert.That(greeting.Text, Is.EqualTo("Hello, bouncer!"));
    }

    [Test]
    public async Task PollOnly_ThroughPgBouncer_RunsJobsWorkflowsAndSignals()
    {
        await using var client = await CurrantClient.ConnectAsync(Pooled, new CurrantClientOptions { PollOnly = true, ResultPollInterval = TimeSpan.FromMilliseconds(100) });
        await RunEverythingAsync(client, pollOnly: true);
    }

    [Test]
    public async Task ListenOnADirectConnection_WithEverythingElseThroughPgBouncer_RunsJobsWorkflowsAndSignals()
    {
        await using var client = await CurrantClient.ConnectAsync(Pooled, new CurrantClientOptions { ListenConnectionString = ConnectionString });
        await RunEverythingAsync(client, pollOnly: false);

        // The LISTEN connection is the direct one: the server sees a session listening from this process that did not
        // come through PgBouncer (PgBouncer's server connections carry no LISTEN; its application_name is empty).
        var listeners = await ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
        Assert.That(listeners, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task PollOnly_ThroughPgBouncer_AnswersQueriesAndTakesUpdates()
    {
        // A poll-only worker never hears currant_query: it looks for queries on its poll (QueryPoller).
        await using var client = await CurrantClient.ConnectAsync(Pooled, new CurrantClientOptions { PollOnly = true, ResultPollInterval = TimeSpan.FromMilliseconds(100) });
        var queue = NewQueue("approvals");
        var h = await Interactive.InteractiveApproval.Options(queue: queue, client: client).Queue("doc-pb", 2, 600);
        await using (var worker = await client.StartWorkerAsync(Options(queue, pollOnly: true)))
        {
            await WaitForSuspendedAsync(h.Id);
            Assert.That(await h.Queries.Status(), Is.EqualTo("waiting for doc-pb"), "answered from the worker's cached instance");
            Assert.That(await h.Updates.AddApprover("ana"), Is.EqualTo(1));
            Assert.That(await h.Queries.Count(), Is.EqualTo(1));
        }

        // A new poll-only worker without the instance in memory answers by replaying the history.
        await using (var again = await client.StartWorkerAsync(Options(queue, pollOnly: true)))
        {
            Assert.That(await h.Queries.Count(), Is.EqualTo(1), "answered by a replay");
            await h.Signals.Approve("bo");
            Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("approved:ana,bo"));
        }
    }

    private async Task WaitForSuspendedAsync(Guid id)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id)) != "suspended")
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for the workflow to suspend");
            await Task.Delay(25);
        }
    }

    private async Task RunEverythingAsync(CurrantClient client, bool pollOnly)
    {
        var queue = NewQueue();
        await using var worker = await client.StartWorkerAsync(Options(queue, pollOnly));

        var jobs = new List<ExecutionHandle<Greeting>>();
        for (var i = 0; i < 20; i++)
        {
            jobs.Add(await Greet.Options(queue: queue, client: client).Queue($"n{i}"));
        }

        foreach (var (job, i) in jobs.Select((j, i) => (j, i)))
        {
            Assert.That((await job.GetResultAsync(Wait)).Text, Is.EqualTo($"Hello, n{i}!"));
        }

        var chain = await Chain.Options(queue: queue, client: client).Queue(NewKey(), 3);
        Assert.That((await chain.GetResultAsync(Wait)).Outputs, Has.Count.EqualTo(3));

        var approval = await Approval.Options(queue: queue, client: client).Queue(NewKey(), 60);
        await approval.SignalAsync("decision", "yes");
        Assert.That(await approval.GetResultAsync(Wait), Is.EqualTo("decided:yes"));

        var two = await TwoSignals.Options(queue: queue, client: client).Queue();
        await client.SendSignalAsync(two.Id, "number", 4);
        await client.SendSignalAsync(two.Id, "number", 2);
        Assert.That(await two.GetResultAsync(Wait), Is.EqualTo("4,2"));
    }

    private static WorkerOptions Options(string queue, bool pollOnly) => new()
    {
        Queues = [queue],
        MaxConcurrency = 8,
        PollOnly = pollOnly,
        PollInterval = TimeSpan.FromMilliseconds(200),
        ShutdownGrace = TimeSpan.FromSeconds(5),
    };
}
