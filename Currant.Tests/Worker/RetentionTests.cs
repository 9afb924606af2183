using Currant.Tests.Jobs;
using Currant.Tests.Workflows;

namespace Currant.Tests.Worker;

/// <summary>
/// The workers' retention pass (Maintenance/Cleaner): finished roots past their retention go with their children,
/// history and signals; recent ones, failures within their longer retention, and the children of a live workflow stay.
/// Rows are aged by moving completed_at back, so the test does not wait for days.
/// </summary>
public sealed class RetentionTests : CurrantFixture
{
    [Test]
    public async Task Cleaner_DeletesFinishedRootsPastRetention_WithChildrenHistoryAndSignals_AndKeepsTheRest()
    {
        var queue = NewQueue("wf");
        Guid oldChain, oldSignalled, recentJob, failedWithin, failedPast, live;
        await using (await StartWorkerAsync(queue))
        {
            var chain = await Chain.Options(queue: queue, client: Client).Queue(NewKey(), 2);
            var signalled = await Approval.Options(queue: queue, client: Client).Queue(NewKey(), 60);
            await signalled.SignalAsync("decision", "ok");
            var job = await Greet.Options(queue: queue, client: Client).Queue("recent");
            var fail1 = await Flaky.Options(queue: queue, retries: 0, client: Client).Queue(NewKey(), 1);
            var fail2 = await Flaky.Options(queue: queue, retries: 0, client: Client).Queue(NewKey(), 1);
            var waiting = await Approval.Options(queue: queue, client: Client).Queue(NewKey(), 600);
            await chain.GetResultAsync(Wait);
            await signalled.GetResultAsync(Wait);
            await job.GetResultAsync(Wait);
            await Client.WaitForCompletionAsync(fail1.Id, Wait);
            await Client.WaitForCompletionAsync(fail2.Id, Wait);
            // The live workflow's first activity has finished; the workflow waits for its signal.
            await WaitUntilAsync(async () => await CountAsync("parent_id = @id AND state = 'completed'", waiting.Id) == 1);
            (oldChain, oldSignalled, recentJob, failedWithin, failedPast, live) = (chain.Id, signalled.Id, job.Id, fail1.Id, fail2.Id, waiting.Id);
        }

        await AgeAsync(TimeSpan.FromHours(3), oldChain, oldSignalled, failedPast);
        await AgeAsync(TimeSpan.FromMinutes(90), failedWithin);
        await ScalarAsync<object>("UPDATE currant.executions SET completed_at = now() - interval '3 hours' WHERE parent_id = @id RETURNING 1", ("id", live));
        Assert.That(await CountAsync("parent_id = ANY(@ids)", new[] { oldChain, oldSignalled }), Is.GreaterThanOrEqualTo(3), "the old workflows have children to delete");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id", ("id", oldSignalled)), Is.EqualTo(1));

        await using (await StartWorkerAsync(NewQueue(), configure: o => o with
        {
            RetainCompleted = TimeSpan.FromHours(1),
            RetainFailed = TimeSpan.FromHours(2),
            RetentionInterval = TimeSpan.FromMilliseconds(100),
        }))
        {
            await WaitUntilAsync(async () => await CountAsync("id = ANY(@ids)", new[] { oldChain, oldSignalled, failedPast }) == 0);
        }

        var gone = new[] { oldChain, oldSignalled, failedPast };
        Assert.That(await CountAsync("parent_id = ANY(@ids)", gone), Is.Zero, "children go with their root");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = ANY(@ids)", ("ids", gone)), Is.Zero);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = ANY(@ids)", ("ids", gone)), Is.Zero);
        Assert.That(await CountAsync("id = ANY(@ids)", new[] { recentJob, failedWithin, live }), Is.EqualTo(3), "recent, failed within 2 h, and live stay");
        Assert.That(await CountAsync("parent_id = @id AND state = 'completed'", live), Is.EqualTo(1), "a live workflow keeps its old finished children");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", live)), Is.GreaterThan(0));
    }

    [Test]
    public async Task DeleteFinished_KeepsARunThatContinuedAsNew_WhileTheLastRunOfItsChainIsKept()
    {
        var queue = NewQueue("wf");
        Guid first;
        await using (await StartWorkerAsync(queue))
        {
            var relay = await Currant.Tests.LongLived.SignalRelay.Options(queue: queue, client: Client).Queue(0, "");
            first = relay.Id;
            await relay.SignalAsync("item", "a");
            // The first run continued as new; the second waits for its own signal.
            await WaitUntilAsync(async () => await CountAsync("id = @id AND continued_to IS NOT NULL AND state = 'completed'", first) == 1);
            await AgeAsync(TimeSpan.FromDays(30), first);

            await Client.Store.DeleteFinishedAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1), 100, CancellationToken.None);
            Assert.That(await CountAsync("id = @id", first), Is.EqualTo(1), "the chain's last run is live: the old run stays, so the first id still reaches it");

            await relay.SignalAsync("item", "b");
            await relay.SignalAsync("item", "c");
            Assert.That(await relay.GetResultAsync(Wait), Is.EqualTo("abc"), "run 1 takes two signals, sent to the first id");
        }

        var last = await ScalarAsync<Guid>("SELECT currant.latest_run(@id)", ("id", first));
        await Client.Store.DeleteFinishedAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1), 100, CancellationToken.None);
        Assert.That(await CountAsync("id = @id", first), Is.EqualTo(1), "the last run finished just now: within retention");

        await AgeAsync(TimeSpan.FromDays(30), last);
        await Client.Store.DeleteFinishedAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1), 100, CancellationToken.None);
        Assert.That(await CountAsync("id = ANY(@ids)", new[] { first, last }), Is.Zero, "both runs past retention: the chain goes");
    }

    [Test]
    public async Task DeleteFinished_WithoutRetention_KeepsEverything()
    {
        var queue = NewQueue();
        await using (await StartWorkerAsync(queue))
        {
            var job = await Greet.Options(queue: queue, client: Client).Queue("kept");
            await job.GetResultAsync(Wait);
            await AgeAsync(TimeSpan.FromDays(400), job.Id);
        }

        var (roots, executions) = await Client.Store.DeleteFinishedAsync(null, null, 100, CancellationToken.None);

        Assert.That((roots, executions), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public async Task CleanerPass_DeletesABacklogLargerThanManyBatches_InOnePass()
    {
        // Its own database: the pass deletes every finished row past retention, whoever made it.
        var (database, client) = await ConnectOwnDatabaseAsync("retentionbacklog");
        await using var _ = client;
        const int rows = (Maintenance.Cleaner.BatchSize * 24) + 7; // more than the 20 batches a pass used to stop at
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO currant.executions (id, kind, name, queue, priority, args, max_attempts, state, completed_at) " +
                "SELECT gen_random_uuid(), 'job', 'Old', 'old', 0, '[]', 1, 'completed', now() - interval '3 hours' FROM generate_series(1, @n)", connection);
            insert.Parameters.AddWithValue("n", rows);
            await insert.ExecuteNonQueryAsync();
        }

        var cleaner = new Maintenance.Cleaner(client.Store, new WorkerOptions { RetainCompleted = TimeSpan.FromHours(1) }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await cleaner.RunOnceAsync(CancellationToken.None);

        await using var count = client.DataSource.CreateCommand("SELECT count(*) FROM currant.executions");
        Assert.That((long)(await count.ExecuteScalarAsync())!, Is.Zero);
    }

    [Test]
    public async Task NegativeRetention_IsRefusedAtStart()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await StartWorkerAsync(NewQueue(), configure: o => o with { RetainFailed = TimeSpan.FromHours(-1) }));
        Assert.That(error!.Message, Does.Contain("use null to keep finished executions forever"));
    }

    private Task AgeAsync(TimeSpan age, params Guid[] ids)
        => ScalarAsync<object>("UPDATE currant.executions SET completed_at = now() - @age WHERE id = ANY(@ids) RETURNING 1", ("age", age), ("ids", ids));

    private Task<long> CountAsync(string where, object ids)
        => ScalarAsync<long>($"SELECT count(*) FROM currant.executions WHERE {where.Replace("@id)", "@ids)").Replace("= @id", "= ANY(@ids)")}", ("ids", ids is Guid g ? new[] { g } : ids));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(50);
        }
    }
}
