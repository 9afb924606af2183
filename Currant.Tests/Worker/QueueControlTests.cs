using Currant.Tests.Jobs;
using Npgsql;

namespace Currant.Tests.Worker;

/// <summary>
/// <c>client.Queues</c>: a paused queue is not claimed from, and a queue's concurrency limit holds across worker
/// processes (counted from what the job bodies recorded on the database's clock).
/// </summary>
public sealed class QueueControlTests : CurrantFixture
{
    [OneTimeSetUp]
    public async Task CreateOverlapLogAsync()
        => await ScalarAsync<object>("CREATE TABLE IF NOT EXISTS overlap_log (id bigint GENERATED ALWAYS AS IDENTITY, key text NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL, ended_at timestamptz); SELECT 1");

    [Test]
    public async Task PausedQueue_IsNotClaimedFrom_UntilResumed()
    {
        var queue = NewQueue();
        await Client.Queues.PauseAsync(queue);
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Greet.Options(queue: queue, client: Client).Queue("paused");
        var other = NewQueue();
        await using var otherWorker = await StartWorkerAsync(other);
        var unaffected = await Greet.Options(queue: other, client: Client).Queue("elsewhere");

        await unaffected.GetResultAsync(Wait);
        await Task.Delay(1_000); // several poll intervals (0.2 s) and the NOTIFY of the enqueue have passed
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Pending));
        Assert.That((await Client.Queues.ListAsync()).Single(q => q.Name == queue), Is.EqualTo(new QueueInfo(queue, true, null, 1, 0)));

        await Client.Queues.ResumeAsync(queue);
        Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, paused!"));
        Assert.That((await Client.Queues.ListAsync()).Single(q => q.Name == queue).Paused, Is.False);
    }

    [Test]
    public async Task Pause_TakesHoldOfAWorkerOnThePlainClaim_AndResumeReleasesIt()
    {
        // A database without controls or per-key limits, so the worker claims with the plain claim (db/0013); the
        // pause must stop its next claims all the same. This assembly's keyed jobs are registered by every worker
        // that starts: their limits are taken out again before the first claim that counts.
        var (database, client) = await ConnectOwnDatabaseAsync("plainclaim");
        await using var _ = client;
        var queue = NewQueue();
        await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], PollInterval = TimeSpan.FromMilliseconds(200), ShutdownGrace = TimeSpan.FromSeconds(5) });
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var unkey = new NpgsqlCommand("UPDATE currant.definitions SET concurrency_arg = NULL, concurrency_max = NULL", connection);
            await unkey.ExecuteNonQueryAsync();
        }

        Assert.That((await (await Greet.Options(queue: queue, client: client).Queue("before")).GetResultAsync(Wait)).Text, Is.EqualTo("Hello, before!"));

        await client.Queues.PauseAsync(queue);
        var handle = await Greet.Options(queue: queue, client: client).Queue("during");
        await Task.Delay(1_000); // the enqueue's NOTIFY and several poll intervals (0.2 s) have passed
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Pending));

        await client.Queues.ResumeAsync(queue);
        Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, during!"));
        var after = await Greet.Options(queue: queue, client: client).Queue("after");
        Assert.That((await after.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, after!"));
    }

    [Test]
    public async Task QueueLimit_HoldsAcrossTwoWorkerProcesses()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        await Client.Queues.SetLimitAsync(queue, 3);
        await OverlapJob.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 30).Select(_ => (key, 150)));

        await using (var first = WorkerProcess.Start(ConnectionString, queue, concurrency: 8))
        await using (var second = WorkerProcess.Start(ConnectionString, queue, concurrency: 8))
        {
            await first.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM overlap_log WHERE key = @key AND ended_at IS NOT NULL", ("key", key)) == 30, TimeSpan.FromSeconds(90));
        }

        Assert.That(await MaxOverlapAsync(key), Is.EqualTo(3), "never more than the limit at once, and the limit reached");
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT pid) FROM overlap_log WHERE key = @key", ("key", key)), Is.EqualTo(2), "both workers ran jobs");
    }

    [Test]
    public async Task QueueLimit_RemovedWithNull_LetsTheWorkerUseAllItsSlots()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        await Client.Queues.SetLimitAsync(queue, 1);
        await Client.Queues.SetLimitAsync(queue, null);
        Assert.That((await Client.Queues.ListAsync()).Single(q => q.Name == queue).MaxConcurrency, Is.Null);
        var handles = await OverlapJob.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 6).Select(_ => (key, 300)));

        await using (await StartWorkerAsync(queue, concurrency: 6))
        {
            foreach (var h in handles)
            {
                await h.GetResultAsync(Wait);
            }
        }

        Assert.That(await MaxOverlapAsync(key), Is.GreaterThan(1));
    }

    [Test]
    public async Task SetLimit_BelowOne_IsRefusedWithTheAlternatives()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Client.Queues.SetLimitAsync(NewQueue(), 0));
        Assert.That(error!.Message, Does.Contain("at least 1").And.Contain("null").And.Contain("pause"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Client.Queues.PauseAsync("has space"));
    }

    [Test]
    public async Task KeyLimit_HoldsPerKeyAcrossTwoWorkerProcesses_WhileOtherKeysRunAlongside()
    {
        var queue = NewQueue("keyed");
        var run = NewKey();
        string[] users = ["ana", "bo", "cy"];
        // Each user's rows one after another in the queue, so a claim must pass over a blocked user's rows to reach
        // the next user's.
        await KeyedJob.Options(queue: queue, client: Client).QueueMany(users.SelectMany(u => Enumerable.Range(0, 6).Select(_ => (u, run, 120))));

        await using (var first = WorkerProcess.Start(ConnectionString, queue, concurrency: 8))
        await using (var second = WorkerProcess.Start(ConnectionString, queue, concurrency: 8))
        {
            await first.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM overlap_log WHERE key LIKE @run AND ended_at IS NOT NULL", ("run", run + ":%")) == 18, TimeSpan.FromSeconds(90));
        }

        foreach (var user in users)
        {
            Assert.That(await MaxOverlapAsync($"{run}:{user}"), Is.EqualTo(1), $"one at a time for {user}");
        }

        var overall = await ScalarAsync<long>("""
            SELECT max((SELECT count(*) FROM overlap_log b WHERE b.key LIKE @run AND b.started_at <= a.started_at AND b.ended_at > a.started_at))
            FROM overlap_log a WHERE a.key LIKE @run
            """, ("run", run + ":%"));
        Assert.That(overall, Is.GreaterThan(1), "different users ran side by side");
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT pid) FROM overlap_log WHERE key LIKE @run", ("run", run + ":%")), Is.EqualTo(2), "both workers ran jobs");
    }

    /// <summary>The most job bodies of <paramref name="key"/> that ran at one instant.</summary>
    private Task<long> MaxOverlapAsync(string key) => ScalarAsync<long>("""
        SELECT max((SELECT count(*) FROM overlap_log b WHERE b.key = a.key AND b.started_at <= a.started_at AND b.ended_at > a.started_at))
        FROM overlap_log a WHERE a.key = @key
        """, ("key", key));
}
