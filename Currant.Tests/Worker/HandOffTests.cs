using Currant.Persistence;
using Currant.Tests.Jobs;
using Npgsql;

namespace Currant.Tests.Worker;

/// <summary>
/// Hand-off (db/0017): an idle worker advertises a slot, and a single enqueue due now inserts its row already running
/// under that worker and sends the row over NOTIFY. The rules of what may be handed off are checked against a worker
/// row of the test's own (nothing claims for it, so the database shows exactly what the enqueue did); the rest with
/// real workers. A handed-off row is recognisable: its insert started it, so started_at equals created_at.
/// </summary>
public sealed class HandOffTests : CurrantFixture
{
    [OneTimeSetUp]
    public async Task CreateOverlapLogAsync()
        => await ScalarAsync<object>("CREATE TABLE IF NOT EXISTS overlap_log (id bigint GENERATED ALWAYS AS IDENTITY, key text NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL, ended_at timestamptz); SELECT 1");

    /// <summary>
    /// The fixture's worker without eager start: this client's enqueues would otherwise start on it in memory
    /// (<see cref="EagerStartTests"/>) and never reach the advertised slot these tests are about.
    /// </summary>
    private Task<CurrantWorker> StartHandOffWorkerAsync(string queue, int concurrency = 4, Func<WorkerOptions, WorkerOptions>? configure = null)
        => StartWorkerAsync(queue, concurrency, o => (configure?.Invoke(o) ?? o) with { EagerStart = false });

    [Test]
    public async Task IdleWorker_IsHandedTheRow_RunsIt_AndAdvertisesAgain()
    {
        var queue = NewQueue();
        await using var worker = await StartHandOffWorkerAsync(queue);
        await WaitForReadyAsync(worker.Id);

        for (var i = 0; i < 3; i++)
        {
            var handle = await Greet.Options(queue: queue, client: Client).Queue($"handed {i}");
            Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo($"Hello, handed {i}!"));
            var (_, handedOff, attempt) = await RowAsync(handle.Id);
            Assert.That((handedOff, attempt), Is.EqualTo((true, 1)), "inserted running (under the worker: the completion clears it), attempt 1");
            await WaitForReadyAsync(worker.Id);
        }
    }

    [Test]
    public async Task HandedOffRow_CarriesWhatTheClaimWouldHaveRead()
    {
        var queue = NewQueue();
        var fake = await AddFakeWorkerAsync(queue);
        await using var listen = await ListenAsync();
        string? payload = null;
        listen.Notification += (_, e) => payload ??= e.Channel == SharedNames.HandOffChannel ? e.Payload : null;

        var handle = await Greet.Options(queue: queue, client: Client, timeout: TimeSpan.FromSeconds(7), retries: 2,
            retryPolicy: new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(2) }, heartbeatTimeout: TimeSpan.FromSeconds(9)).Queue("über \"quoted\"");
        await listen.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(await RowAsync(handle.Id), Is.EqualTo((fake, true, 1)));
        Assert.That(await ScalarAsync<bool>("SELECT ready FROM currant.worker_slots WHERE worker_id = @id", ("id", fake)), Is.False, "the slot is taken");
        Assert.That(payload, Is.Not.Null);
        Assert.That(HandOff.TryRead(payload!, Guid.NewGuid(), out _), Is.False, "another worker's hand-off is not read");
        Assert.That(HandOff.TryRead(payload!, fake, out var row), Is.True);
        Assert.That(row.Id, Is.EqualTo(handle.Id));
        Assert.That((row.Kind, row.Name, row.Queue, row.Attempt, row.Fence), Is.EqualTo((ExecutionKind.Job, "Greet", queue, 1, 1)));
        var stored = await ScalarAsync<string>("SELECT concat_ws('|', args::text, max_attempts, timeout_ms, retry_policy::text, heartbeat_timeout_ms) FROM currant.executions WHERE id = @id", ("id", handle.Id));
        Assert.That(string.Join('|', row.Arguments, row.MaxAttempts, row.Timeout!.Value.TotalMilliseconds, row.RetryPolicy, row.HeartbeatTimeout!.Value.TotalMilliseconds), Is.EqualTo(stored));
    }

    [Test]
    public async Task OnlyRowsAClaimWouldTakeAtOnce_AreHandedOff()
    {
        // KeyedJob's per-key limit is registered by a worker's start (definitions).
        await using (await StartHandOffWorkerAsync(NewQueue()))
        {
        }

        await AssertNotHandedOffAsync("not due yet", async q => await Greet.Options(queue: q, client: Client, delay: TimeSpan.FromMinutes(5)).Queue("later"));
        await AssertNotHandedOffAsync("an idempotency key", async q => await Greet.Options(queue: q, client: Client, idempotencyKey: NewKey()).Queue("keyed"));
        await AssertNotHandedOffAsync("too big for a NOTIFY", async q => await Greet.Options(queue: q, client: Client).Queue(new string('x', 2_100)));
        await AssertNotHandedOffAsync("a per-key limit", q => KeyedJob.Options(queue: q, client: Client).Queue("user", NewKey(), 1));
        await AssertNotHandedOffAsync("a caller's transaction", async q =>
        {
            await using var connection = await Client.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var handle = await Greet.Options(queue: q, client: Client, transaction: transaction).Queue("in a transaction");
            await transaction.CommitAsync();
            return handle;
        });
        await AssertNotHandedOffAsync("a paused queue", async q =>
        {
            await Client.Queues.PauseAsync(q);
            return await Greet.Options(queue: q, client: Client).Queue("paused");
        });
        await AssertNotHandedOffAsync("a limited queue", async q =>
        {
            await Client.Queues.SetLimitAsync(q, 5);
            return await Greet.Options(queue: q, client: Client).Queue("capped");
        });
        await AssertNotHandedOffAsync("rows of the queue due and waiting (they go first)", async q =>
        {
            await Greet.Options(queue: q, client: Client, idempotencyKey: NewKey()).Queue("waiting");
            return await Greet.Options(queue: q, client: Client).Queue("behind it");
        });
        await AssertNotHandedOffAsync("a slot for other queues only", async _ => await Greet.Options(queue: NewQueue(), client: Client).Queue("elsewhere"));
    }

    /// <summary>What <paramref name="enqueue"/> inserts next to an advertised slot for its queue stays pending, and the slot stays free.</summary>
    private async Task AssertNotHandedOffAsync(string why, Func<string, Task<ExecutionHandle>> enqueue)
    {
        var queue = NewQueue();
        var fake = await AddFakeWorkerAsync(queue);
        var handle = await enqueue(queue);
        Assert.That(await RowAsync(handle.Id), Is.EqualTo(((Guid?)null, false, 0)), why);
        Assert.That(await ScalarAsync<bool>("SELECT ready FROM currant.worker_slots WHERE worker_id = @id", ("id", fake)), Is.True, why + ": the slot is still free");
    }

    [Test]
    public async Task RowHandedToAWorkerThatDied_RunsOnAnother_WithoutLosingAnAttempt()
    {
        var queue = NewQueue();
        var fake = await AddFakeWorkerAsync(queue);
        // No retries: had the rescue counted the attempt the row never started, the job would fail unrun.
        var handle = await Greet.Options(queue: queue, client: Client, retries: 0).Queue("orphaned");
        Assert.That(await RowAsync(handle.Id), Is.EqualTo((fake, true, 1)));
        await ScalarAsync<object>("UPDATE currant.workers SET heartbeat_at = now() - interval '1 hour' WHERE id = @id; SELECT 1", ("id", fake));

        await using var worker = await StartHandOffWorkerAsync(queue, configure: o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(200), HeartbeatTimeout = TimeSpan.FromSeconds(1) });
        Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, orphaned!"));
        Assert.That(await ScalarAsync<int>("SELECT attempt FROM currant.executions WHERE id = @id", ("id", handle.Id)), Is.EqualTo(1), "the lost hand-off did not count");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.worker_slots WHERE worker_id = @id", ("id", fake)), Is.Zero, "gone with the dead worker");
    }

    [Test]
    public async Task WorkerWithAStaleHeartbeat_IsHandedNothing()
    {
        var queue = NewQueue();
        var fake = await AddFakeWorkerAsync(queue);
        await ScalarAsync<object>("UPDATE currant.workers SET heartbeat_at = now() - interval '20 seconds' WHERE id = @id; SELECT 1", ("id", fake));
        var handle = await Greet.Options(queue: queue, client: Client).Queue("stale");
        Assert.That(await RowAsync(handle.Id), Is.EqualTo(((Guid?)null, false, 0)));
    }

    [Test]
    public async Task OneSlotWorker_NeverRunsTwoAtOnce_WhileHandOffsAndClaimsMix()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        await using (var worker = await StartHandOffWorkerAsync(queue, concurrency: 1))
        {
            await WaitForReadyAsync(worker.Id);
            // A claimed row and, right behind it, one that may be handed off: the slot kept for hand-offs must be
            // taken back before the claim uses it, or the hand-off would run beside the claimed row.
            var handles = new List<ExecutionHandle>();
            for (var i = 0; i < 8; i++)
            {
                handles.AddRange(await OverlapJob.Options(queue: queue, client: Client).QueueMany([(key, 40)]));
                handles.Add(await OverlapJob.Options(queue: queue, client: Client).Queue(key, 40));
                await Task.Delay(150);
                handles.Add(await OverlapJob.Options(queue: queue, client: Client).Queue(key, 10));
                await Task.Delay(50);
            }

            foreach (var handle in handles)
            {
                await handle.GetResultAsync(Wait);
            }

            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM overlap_log WHERE key = @key", ("key", key)), Is.EqualTo(handles.Count), "each ran once");
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @queue AND started_at = created_at", ("queue", queue)), Is.GreaterThan(0), "some were handed off");
        }

        Assert.That(await MaxOverlapAsync(key), Is.EqualTo(1), "never two at once");
    }

    [Test]
    public async Task StoppedWorker_TakesItsSlotAlong_AndPollOnlyWorkersAdvertiseNone()
    {
        var queue = NewQueue();
        var worker = await StartHandOffWorkerAsync(queue);
        await WaitForReadyAsync(worker.Id);
        await worker.DisposeAsync();
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.worker_slots WHERE worker_id = @id", ("id", worker.Id)), Is.Zero);
        var afterStop = await Greet.Options(queue: queue, client: Client).Queue("after stop");
        Assert.That(await RowAsync(afterStop.Id), Is.EqualTo(((Guid?)null, false, 0)));

        await using var polling = await StartHandOffWorkerAsync(queue, configure: o => o with { PollOnly = true });
        Assert.That((await afterStop.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, after stop!"));
        var next = await Greet.Options(queue: queue, client: Client).Queue("polled");
        Assert.That((await next.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, polled!"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.worker_slots WHERE worker_id = @id", ("id", polling.Id)), Is.Zero);
        Assert.That((await RowAsync(next.Id)).HandedOff, Is.False);
    }

    [Test]
    public async Task ListenConnectionLost_TheSlotIsTakenBack_AndOfferedAgainOnceItReconnects()
    {
        var queue = NewQueue();
        await using var worker = await StartHandOffWorkerAsync(queue, configure: o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(500) });
        await WaitForReadyAsync(worker.Id);

        // A row handed off while nobody listens would be heard of by no one: it still runs (the slot is taken back,
        // or the heartbeat hands the row back), and hand-offs resume after the reconnect.
        Assert.That(await ScalarAsync<long>("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()
            """), Is.EqualTo(1));
        var during = await Greet.Options(queue: queue, client: Client).Queue("during");
        Assert.That((await during.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, during!"));

        await WaitForReadyAsync(worker.Id);
        var after = await Greet.Options(queue: queue, client: Client).Queue("after");
        Assert.That((await after.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, after!"));
        Assert.That((await RowAsync(after.Id)).HandedOff, Is.True);
    }

    [Test]
    public async Task WorkerRowDeleted_ItsSlotComesBackWithIt()
    {
        var queue = NewQueue();
        await using var worker = await StartHandOffWorkerAsync(queue, configure: o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        await WaitForReadyAsync(worker.Id);

        // As the rescuer does to a worker whose heartbeat was late: the slot goes with the row.
        await ScalarAsync<object>("DELETE FROM currant.workers WHERE id = @id; SELECT 1", ("id", worker.Id));
        await WaitForReadyAsync(worker.Id);
        var handle = await Greet.Options(queue: queue, client: Client).Queue("again");
        Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, again!"));
        Assert.That((await RowAsync(handle.Id)).HandedOff, Is.True);
    }

    [Test]
    public async Task ClaimedRowsWaiting_TakeTheSlotKeptForAHandOff()
    {
        var queue = NewQueue("overlap");
        var key = NewKey();
        // A long poll interval: only the producer's own wake-ups can hand the kept slot to the waiting rows in time.
        await using var worker = await StartHandOffWorkerAsync(queue, concurrency: 2, configure: o => o with { PollInterval = TimeSpan.FromSeconds(5) });
        // Short executions switch claim-ahead on: claims then take rows beyond the free slots.
        foreach (var warm in await Greet.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 20).Select(i => $"warm {i}")))
        {
            await warm.GetResultAsync(Wait);
        }

        await WaitForReadyAsync(worker.Id);
        var handles = await OverlapJob.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 6).Select(_ => (key, 200)));
        foreach (var handle in handles)
        {
            await handle.GetResultAsync(Wait);
        }

        Assert.That(await MaxOverlapAsync(key), Is.EqualTo(2), "both slots ran claimed rows");
    }

    [Test]
    public void Payload_OfAnotherShape_IsNotRead()
    {
        var me = Guid.NewGuid();
        Assert.That(HandOff.TryRead($"{me} not json", me, out _), Is.False);
        Assert.That(HandOff.TryRead($"{me} [1,2]", me, out _), Is.False);
        Assert.That(HandOff.TryRead($"{me}", me, out _), Is.False);
        Assert.That(HandOff.TryRead("default", me, out _), Is.False);
    }

    /// <summary>The most job bodies of <paramref name="key"/> that ran at one instant (OverlapJob's log).</summary>
    private Task<long> MaxOverlapAsync(string key) => ScalarAsync<long>("""
        SELECT max((SELECT count(*) FROM overlap_log b WHERE b.key = a.key AND b.started_at <= a.started_at AND b.ended_at > a.started_at))
        FROM overlap_log a WHERE a.key = @key
        """, ("key", key));

    /// <summary>The row's worker, whether its insert started it (a hand-off), and its attempt.</summary>
    private async Task<(Guid? Worker, bool HandedOff, int Attempt)> RowAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT worker_id, started_at IS NOT DISTINCT FROM created_at, attempt FROM currant.executions WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        return (reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetBoolean(1), reader.GetInt32(2));
    }

    /// <summary>A worker row and an advertised slot for <paramref name="queue"/> that no process serves.</summary>
    private async Task<Guid> AddFakeWorkerAsync(string queue)
    {
        var id = Guid.NewGuid();
        await ScalarAsync<object>("""
            INSERT INTO currant.workers (id, hostname, pid, queues) VALUES (@id, 'test', 0, ARRAY[@queue]);
            INSERT INTO currant.worker_slots (worker_id, queues, ready, fresh_for) VALUES (@id, ARRAY[@queue], true, interval '11 seconds');
            SELECT 1
            """, ("id", id), ("queue", queue));
        return id;
    }

    private async Task WaitForReadyAsync(Guid workerId)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM currant.worker_slots WHERE worker_id = @id AND ready)", ("id", workerId)))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the idle worker never advertised a slot");
            await Task.Delay(20);
        }
    }

    private async Task<NpgsqlConnection> ListenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand($"LISTEN {SharedNames.HandOffChannel}", connection);
        await listen.ExecuteNonQueryAsync();
        return connection;
    }
}
