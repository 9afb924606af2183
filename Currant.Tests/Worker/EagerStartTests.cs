using Currant.Persistence;
using Currant.Tests.Jobs;
using Currant.Tests.Workflows;
using Npgsql;

namespace Currant.Tests.Worker;

/// <summary>
/// Eager start (<see cref="WorkerOptions.EagerStart"/>): what a client enqueues beside a worker it started, with a slot
/// free, is inserted running under that worker and starts in memory, without a claim. The workers here poll only,
/// every 30 s, and hear no NOTIFY: a row that is not started eagerly waits for that poll, so finishing within seconds
/// shows it was. An eagerly started row is recognisable as a handed-off one: its insert started it (started_at equals
/// created_at).
/// </summary>
public sealed class EagerStartTests : CurrantFixture
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [OneTimeSetUp]
    public async Task CreateLogsAsync()
        => await ScalarAsync<object>("""
            CREATE TABLE IF NOT EXISTS overlap_log (id bigint GENERATED ALWAYS AS IDENTITY, key text NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL, ended_at timestamptz);
            CREATE TABLE IF NOT EXISTS step_log (n integer NOT NULL, step integer NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            SELECT 1
            """);

    [Test]
    public async Task WorkflowCancelledWhileItsRunHereGoesOn_ReachesTheWaiterBeforeThatRunEnds()
    {
        // Its one step takes 8 s and, as step bodies do, ignores the cancellation: the waiter, which waits for the
        // end of a run held here rather than read, must still see the cancellation when it is written.
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);
        var n = Random.Shared.Next();
        var handle = await LoggedSteps.Options(queue: queue, client: Client).Queue(n, 1, 8000);
        var deadline = DateTime.UtcNow + Soon;
        while (await ScalarAsync<long>("SELECT count(*) FROM step_log WHERE n = @n", ("n", n)) == 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the step never started");
            await Task.Delay(20);
        }

        var waiting = handle.GetResultAsync(Soon);
        await Task.Delay(200);
        Assert.That(await handle.CancelAsync(), Is.True);
        var finished = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(4)));
        Assert.That(finished, Is.SameAs(waiting), "the cancellation reached the waiter while the step still ran");
        await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await waiting);
    }

    [Test]
    public async Task JobAndWorkflow_EnqueuedBesideAFreeSlot_StartOnItsWorker_WithoutAClaim()
    {
        var queue = NewQueue();
        await using var worker = await StartSlowPollingWorkerAsync(queue);

        for (var i = 0; i < 3; i++)
        {
            var job = await Greet.Options(queue: queue, client: Client).Queue($"eager {i}");
            Assert.That((await job.GetResultAsync(Soon)).Text, Is.EqualTo($"Hello, eager {i}!"));
            Assert.That(await RowAsync(job.Id), Is.EqualTo((true, 1, 0)), "inserted running, attempt 1");
        }

        var key = NewKey();
        var workflow = await ProbedSteps.Options(queue: queue, client: Client).Queue(key, 1, 3);
        Assert.That(await workflow.GetResultAsync(Soon), Is.EqualTo(6));
        Assert.That(await RowAsync(workflow.Id), Is.EqualTo((true, 1, 1)), "inserted running on its first activation");
        Assert.That(Enumerable.Range(0, 3).Select(step => Probe.Count($"{key}/1/{step}")), Is.All.EqualTo(1), "each step once");
        Assert.That(await ScalarAsync<string>("SELECT string_agg(name, ',' ORDER BY seq) FROM currant.history WHERE workflow_id = @id AND kind = 'step'", ("id", workflow.Id)),
            Is.EqualTo("s0,s1,s2"));
        await WaitForNoneInFlightAsync(worker, "no slot left reserved");
    }

    [Test]
    public async Task OutcomeOfARunHere_WakesThisClientsWaiter_WithNeitherNotifyNorPoll()
    {
        // A client that never listens and would read a result again only every 30 s, and its worker, which polls as
        // seldom: the job's and the workflow's ends reach the waiters from the worker itself (the workflow's run ends
        // with its final commit; the job's outcome is committed by the completer after its run).
        var queue = NewQueue();
        var fixtureClient = CurrantClient.Default;
        await using var client = await CurrantClient.ConnectAsync(ConnectionString, new CurrantClientOptions { PollOnly = true, ResultPollInterval = TimeSpan.FromSeconds(30) });
        CurrantClient.Default = fixtureClient;
        await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], PollOnly = true, PollInterval = TimeSpan.FromSeconds(30) });

        var key = NewKey();
        var job = await Sleeper.Options(queue: queue, client: client).Queue(key, 0.3);
        Assert.That(await job.GetResultAsync(Soon), Is.EqualTo("slept"));
        var workflow = await ProbedSteps.Options(queue: queue, client: client).Queue(key, 2, 3);
        Assert.That(await workflow.GetResultAsync(Soon), Is.EqualTo(6));
    }

    [Test]
    public async Task EagerStartOff_LeavesTheRowToTheClaim()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { PollOnly = true, EagerStart = false });
        var job = await Greet.Options(queue: queue, client: Client).Queue("claimed");
        Assert.That((await job.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, claimed!"));
        Assert.That((await RowAsync(job.Id)).StartedByInsert, Is.False);
    }

    [Test]
    public async Task OnlyRowsAClaimWouldTakeAtOnce_StartEagerly()
    {
        // KeyedJob's per-key limit is registered by a worker's start (definitions).
        await using (await StartWorkerAsync(NewQueue()))
        {
        }

        await AssertNotStartedAsync("not due yet", async q => await Greet.Options(queue: q, client: Client, delay: TimeSpan.FromMinutes(5)).Queue("later"));
        await AssertNotStartedAsync("an idempotency key", async q => await Greet.Options(queue: q, client: Client, idempotencyKey: NewKey()).Queue("keyed"));
        await AssertNotStartedAsync("a per-key limit", q => KeyedJob.Options(queue: q, client: Client).Queue("user", NewKey(), 1));
        await AssertNotStartedAsync("a caller's transaction", async q =>
        {
            await using var connection = await Client.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var handle = await Greet.Options(queue: q, client: Client, transaction: transaction).Queue("in a transaction");
            await transaction.CommitAsync();
            return handle;
        });
        await AssertNotStartedAsync("a paused queue", async q =>
        {
            await Client.Queues.PauseAsync(q);
            return await Greet.Options(queue: q, client: Client).Queue("paused");
        });
        await AssertNotStartedAsync("a limited queue", async q =>
        {
            await Client.Queues.SetLimitAsync(q, 5);
            return await Greet.Options(queue: q, client: Client).Queue("capped");
        });
    }

    [Test]
    public async Task RowAnEagerInsertLeavesPending_IsAnnouncedAfterItsCommit_SoAListeningWorkerClaimsItAtOnce()
    {
        // The per-key limit keeps the row from starting eagerly; the worker listens but polls only every 30 s, so only
        // the NOTIFY sent after the insert's commit gets the row claimed within seconds.
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { PollInterval = TimeSpan.FromSeconds(30) });
        var handle = await KeyedJob.Options(queue: queue, client: Client).Queue("user", NewKey(), 1);

        Assert.That((await RowAsync(handle.Id)).StartedByInsert, Is.False, "a per-key limit leaves the row to a claim");
        await handle.WaitAsync(Soon); // a TimeoutException here: the worker never heard of the row
    }

    [Test]
    public async Task DatabaseWhoseDefaultIsSerializable_TakesEveryEnqueue_WhileEnqueuesAndClaimsWriteTheQueue()
    {
        // At SERIALIZABLE the database refuses some enqueues as serialization failures while other enqueues and claims
        // write the queue: an eager insert for its check of the rows waiting, a plain one for its index checks. An
        // enqueue in its own transaction wrote nothing then, and is inserted again; each of the two, undone, fails this.
        var queue = NewQueue();
        var serializable = new NpgsqlConnectionStringBuilder(ConnectionString) { Options = "-c default_transaction_isolation=serializable" };
        var fixtureClient = CurrantClient.Default;
        await using var client = await CurrantClient.ConnectAsync(serializable.ConnectionString);
        CurrantClient.Default = fixtureClient;
        await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = 8, PollInterval = TimeSpan.FromMilliseconds(200) });

        var handles = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Greet.Options(queue: queue, client: client).Queue($"n{i}")));
        foreach (var handle in handles)
        {
            await handle.WaitAsync(Soon);
        }
    }

    [Test]
    public async Task RowsOfTheQueueDueAndWaiting_GoFirst_SoTheNextRowIsEnqueuedBehindThem()
    {
        var queue = NewQueue();
        var waiting = await Greet.Options(queue: queue, client: Client, idempotencyKey: NewKey()).Queue("waiting");
        // Locked, so the worker's first claim skips it (SKIP LOCKED) while the enqueue below still sees it waiting.
        await using var connection = await Client.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM currant.executions WHERE id = @id AND state = 'pending' FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.AddWithValue("id", waiting.Id);
            Assert.That(await lockRow.ExecuteScalarAsync(), Is.EqualTo(1));
        }

        await using var worker = await StartSlowPollingWorkerAsync(queue);
        var behind = await Greet.Options(queue: queue, client: Client).Queue("behind it");
        Assert.That((await RowAsync(behind.Id)).StartedByInsert, Is.False, "enqueued behind the waiting row (the worker's first claim may take it then)");
        await WaitForNoneInFlightAsync(worker, "the slot was given back");
        await transaction.RollbackAsync();
    }

    [Test]
    public async Task RowsBeyondTheFreeSlots_AreEnqueued_AndClaimedLater()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue, concurrency: 2, configure: o => o with { PollOnly = true, PollInterval = TimeSpan.FromMilliseconds(300) });
        var handles = new List<ExecutionHandle>();
        for (var i = 0; i < 5; i++)
        {
            handles.Add(await OverlapJob.Options(queue: queue, client: Client).Queue(key, 1000));
        }

        Assert.That(worker.InFlight, Is.EqualTo(2), "two started at once");
        foreach (var handle in handles)
        {
            await handle.GetResultAsync(Wait);
        }

        var started = new List<bool>();
        foreach (var handle in handles)
        {
            started.Add((await RowAsync(handle.Id)).StartedByInsert);
        }

        Assert.That(started, Is.EqualTo(new[] { true, true, false, false, false }), "the first two started eagerly, the rest were claimed");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM overlap_log WHERE key = @key", ("key", key)), Is.EqualTo(5), "each ran once");
        Assert.That(await ScalarAsync<long>("""
            SELECT max((SELECT count(*) FROM overlap_log b WHERE b.key = a.key AND b.started_at <= a.started_at AND b.ended_at > a.started_at))
            FROM overlap_log a WHERE a.key = @key
            """, ("key", key)), Is.EqualTo(2), "never more than the worker's slots");
    }

    [Test]
    public async Task EnqueueWhenOnlyTheSlotKeptForAHandOffIsFree_BorrowsIt_InsteadOfAHandOff()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        var handOffs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var listen = await ListenAsync(SharedNames.HandOffChannel, handOffs);
        await using var worker = await StartListeningWorkerAsync(queue, concurrency: 2);
        await WaitForAdvertisementAsync(worker, advertised: true, "the idle worker never advertised a slot");

        var first = await OverlapJob.Options(queue: queue, client: Client).Queue(key, 1500);
        var second = await OverlapJob.Options(queue: queue, client: Client).Queue(key, 1500);

        Assert.That(worker.InFlight, Is.EqualTo(2), "both started in memory by their enqueue");
        await first.GetResultAsync(Wait);
        await second.GetResultAsync(Wait);
        while (await listen.WaitAsync(TimeSpan.FromMilliseconds(200)))
        {
            // Reads every notification that came meanwhile.
        }

        Assert.That(handOffs.Where(p => p.Contains(first.Id.ToString()) || p.Contains(second.Id.ToString())), Is.Empty,
            "the second borrowed the advertised slot instead of taking it with a hand-off");
        Assert.That(new[] { (await RowAsync(first.Id)).StartedByInsert, (await RowAsync(second.Id)).StartedByInsert }, Is.All.True);
        Assert.That(await MostAtOnceAsync(key), Is.EqualTo(2));
    }

    [Test]
    public async Task SlotLentForLongRuns_IsNoLongerAdvertised_SoAnotherClientsEnqueueWaitsForASlotPending()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        await using var worker = await StartListeningWorkerAsync(queue, concurrency: 2);
        await WaitForAdvertisementAsync(worker, advertised: true, "the idle worker never advertised a slot");
        var mine = new[]
        {
            await OverlapJob.Options(queue: queue, client: Client).Queue(key, 2000),
            await OverlapJob.Options(queue: queue, client: Client).Queue(key, 2000),
        };
        Assert.That(worker.InFlight, Is.EqualTo(2));
        await WaitForAdvertisementAsync(worker, advertised: false, "a loan that outlasts its bound takes the advertisement back");

        var fixtureClient = CurrantClient.Default;
        await using var other = await CurrantClient.ConnectAsync(ConnectionString);
        CurrantClient.Default = fixtureClient;
        var third = await OverlapJob.Options(queue: queue, client: other).Queue(key, 100);

        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", third.Id)), Is.EqualTo("pending"),
            "not handed to a worker whose slots are all busy");
        foreach (var handle in mine.Append(third))
        {
            await handle.GetResultAsync(Wait);
        }

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM overlap_log WHERE key = @key", ("key", key)), Is.EqualTo(3), "each ran once");
        Assert.That(await MostAtOnceAsync(key), Is.EqualTo(2), "never beyond the worker's slots");
        await WaitForAdvertisementAsync(worker, advertised: true, "advertised again once its queue is drained and a slot is free");
    }

    [Test]
    public async Task StoppedWorker_IsOfferedNothing()
    {
        var queue = NewQueue();
        var worker = await StartSlowPollingWorkerAsync(queue);
        await worker.DisposeAsync();
        var job = await Greet.Options(queue: queue, client: Client).Queue("after stop");
        Assert.That(await RowAsync(job.Id), Is.EqualTo((false, 0, 0)));
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", job.Id)), Is.EqualTo("pending"));
    }

    [Test]
    public async Task AnotherClientsWorker_IsOfferedNothing()
    {
        var queue = NewQueue();
        var fixtureClient = CurrantClient.Default;
        await using var other = await CurrantClient.ConnectAsync(ConnectionString);
        CurrantClient.Default = fixtureClient;
        await using var worker = await other.StartWorkerAsync(new WorkerOptions { Queues = [queue], PollOnly = true, PollInterval = TimeSpan.FromMilliseconds(200) });
        var job = await Greet.Options(queue: queue, client: Client).Queue("not mine");
        Assert.That((await job.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, not mine!"));
        Assert.That((await RowAsync(job.Id)).StartedByInsert, Is.False, "claimed: only the enqueuing client's workers start rows eagerly");
    }

    /// <summary>
    /// What <paramref name="enqueue"/> inserts beside a worker with free slots is not started by its insert (the worker's
    /// first claim, racing the enqueue, may take it), and no slot stays reserved.
    /// </summary>
    private async Task AssertNotStartedAsync(string why, Func<string, Task<ExecutionHandle>> enqueue)
    {
        var queue = NewQueue();
        await using var worker = await StartSlowPollingWorkerAsync(queue);
        var handle = await enqueue(queue);
        Assert.That((await RowAsync(handle.Id)).StartedByInsert, Is.False, why);
        await WaitForNoneInFlightAsync(worker, why + ": the slot was given back");
    }

    /// <summary>Waits until nothing runs on <paramref name="worker"/> and no slot of it is reserved.</summary>
    private static async Task WaitForNoneInFlightAsync(CurrantWorker worker, string why)
    {
        var deadline = DateTime.UtcNow + Soon;
        while (worker.InFlight > 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), why);
            await Task.Delay(20);
        }
    }

    /// <summary>A worker that hears NOTIFY (so it advertises a slot when idle) and polls only every 30 s.</summary>
    private Task<CurrantWorker> StartListeningWorkerAsync(string queue, int concurrency)
        => StartWorkerAsync(queue, concurrency, o => o with { PollInterval = TimeSpan.FromSeconds(30) });

    /// <summary>Waits until <paramref name="worker"/>'s slot for hand-offs is advertised (or not).</summary>
    private async Task WaitForAdvertisementAsync(CurrantWorker worker, bool advertised, string why)
    {
        var deadline = DateTime.UtcNow + Soon;
        while (await ScalarAsync<long>("SELECT count(*) FROM currant.worker_slots WHERE worker_id = @id AND ready", ("id", worker.Id)) == 1 != advertised)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), why);
            await Task.Delay(20);
        }
    }

    /// <summary>A connection listening on <paramref name="channel"/>, collecting payloads; dispose it to stop.</summary>
    private async Task<NpgsqlConnection> ListenAsync(string channel, System.Collections.Concurrent.ConcurrentQueue<string> payloads)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        connection.Notification += (_, e) => payloads.Enqueue(e.Payload);
        await using var command = new NpgsqlCommand($"LISTEN {channel}", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>The most runs of <see cref="OverlapJob"/> under <paramref name="key"/> that overlapped.</summary>
    private async Task<long> MostAtOnceAsync(string key)
        => await ScalarAsync<long>("""
            SELECT max((SELECT count(*) FROM overlap_log b WHERE b.key = a.key AND b.started_at <= a.started_at AND b.ended_at > a.started_at))
            FROM overlap_log a WHERE a.key = @key
            """, ("key", key));

    /// <summary>A worker that hears no NOTIFY and polls every 30 s: nothing it runs within seconds came from a claim.</summary>
    private Task<CurrantWorker> StartSlowPollingWorkerAsync(string queue)
        => StartWorkerAsync(queue, configure: o => o with { PollOnly = true, PollInterval = TimeSpan.FromSeconds(30) });

    /// <summary>Whether the row's insert started it, its attempt and its activations.</summary>
    private async Task<(bool StartedByInsert, int Attempt, int Activations)> RowAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT started_at IS NOT DISTINCT FROM created_at, attempt, activations FROM currant.executions WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        return (reader.GetBoolean(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
