using Currant.Tests.Jobs;
using Npgsql;

namespace Currant.Tests.Client;

public sealed class CurrantClientTests : CurrantFixture
{
    [Test]
    public async Task Queue_InsideACommittedTransaction_RunsTheJob()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);
        await using var connection = await Client.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();

        var handle = await Greet.Options(queue: queue, transaction: tx, client: Client).Queue("tx");
        Assert.That(await Client.GetExecutionAsync(handle.Id), Is.Null, "invisible to others before commit");
        await tx.CommitAsync();

        Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, tx!"));
    }

    [Test]
    public async Task Queue_InsideARolledBackTransaction_LeavesNoJob()
    {
        var queue = NewQueue();
        await using var connection = await Client.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();

        var handle = await Greet.Options(queue: queue, transaction: tx, client: Client).Queue("rolled back");
        await tx.RollbackAsync();

        Assert.That(await Client.GetExecutionAsync(handle.Id), Is.Null);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.Zero);
    }

    [Test]
    public async Task Queue_WithTheSameIdempotencyKey_ReturnsTheFirstExecution()
    {
        var queue = NewQueue();
        var key = $"order-{NewKey()}";

        var first = await Greet.Options(queue: queue, idempotencyKey: key, client: Client).Queue("one");
        var second = await Greet.Options(queue: queue, idempotencyKey: key, client: Client).Queue("two");

        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.EqualTo(1));
        await using var worker = await StartWorkerAsync(queue);
        Assert.That((await second.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, one!"));
    }

    [Test]
    public async Task QueueMany_OfTenThousand_InsertsAllWithCopyAndRunsEachOnce()
    {
        var queue = NewQueue();
        var key = NewKey();

        var handles = await Tally.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, 10_000).Select(i => (key, i)));
        Assert.That(handles, Has.Count.EqualTo(10_000));
        Assert.That(handles.Select(h => h.Id).Distinct().Count(), Is.EqualTo(10_000));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND state = 'pending'", ("q", queue)), Is.EqualTo(10_000));

        await using (await StartWorkerAsync(queue, concurrency: 16))
        {
            foreach (var handle in handles)
            {
                await handle.GetResultAsync(Wait);
            }
        }

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND state = 'completed'", ("q", queue)), Is.EqualTo(10_000));
        var runs = Probe.Of(key).Select(e => e.Note).ToList();
        Assert.That(runs, Has.Count.EqualTo(10_000));
        Assert.That(runs.Distinct().Count(), Is.EqualTo(10_000));
        Assert.That(await handles[1234].GetResultAsync(), Is.EqualTo(1234));
    }

    [Test]
    public async Task QueueMany_WithAnIdempotencyKey_IsANoOpTheSecondTime()
    {
        var queue = NewQueue();
        var key = $"batch-{NewKey()}";
        var items = new[] { ("k", 1), ("k", 2), ("k", 3) };

        var first = await Tally.Options(queue: queue, idempotencyKey: key, client: Client).QueueMany(items);
        var second = await Tally.Options(queue: queue, idempotencyKey: key, client: Client).QueueMany(items);

        Assert.That(second.Select(h => h.Id), Is.EqualTo(first.Select(h => h.Id)));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.EqualTo(3));
    }

    [Test]
    public async Task QueueMany_StoresEachRowAsQueueWould()
    {
        var queue = NewQueue("rows");
        // Arguments around the 64 KiB chunk the COPY is written in, larger ones and small ones between them.
        var names = new[] { "Zoë", new string('a', 70_000), "✓ \"quoted\" \\ back", new string('b', 65_400), new string('c', 300_000), "" };
        var stub = Greet.Options(queue: queue, priority: 7, retries: 2, timeout: TimeSpan.FromSeconds(90), delay: TimeSpan.FromHours(1), client: Client,
            retryPolicy: new RetryPolicy(initialDelay: TimeSpan.FromSeconds(2), backoffCoefficient: 1.5, nonRetryableErrorTypes: ["System.FormatException"]),
            heartbeatTimeout: TimeSpan.FromSeconds(45));

        IReadOnlyList<ExecutionHandle<Greeting>> many;
        ExecutionHandle<Greeting> single;
        using (new System.Diagnostics.Activity("caller").Start())
        {
            many = await stub.QueueMany(names.Concat(Enumerable.Range(0, 2_000).Select(i => $"n{i}")));
            single = await stub.Queue(names[0]);
        }

        // trace_context is the enqueue span's id (or the caller's without a listener): a W3C id either way.
        const string Columns = "kind, name, queue, priority, state, args, max_attempts, timeout_ms, parent_id, parent_seq, length(trace_context), attempt, retry_policy, heartbeat_timeout_ms";
        var expected = await ScalarAsync<string>($"SELECT row({Columns})::text FROM currant.executions WHERE id = @id", ("id", single.Id));
        var stored = await ScalarAsync<string[]>(
            $"SELECT array_agg(row({Columns})::text ORDER BY ord) FROM unnest(@ids::uuid[]) WITH ORDINALITY AS i(id, ord) JOIN currant.executions e USING (id)",
            ("ids", many.Select(h => h.Id).ToArray()));
        Assert.That(stored, Has.Length.EqualTo(many.Count));
        Assert.That(stored[0], Is.EqualTo(expected));
        Assert.That(expected, Does.Contain("45000").And.Contain("System.FormatException").And.Contain("1.5"), "the policy and heartbeat timeout are stored");
        for (var i = 0; i < names.Length; i++)
        {
            var info = (await Client.GetExecutionAsync(many[i].Id))!;
            Assert.That(JsonEquals(info.Arguments, System.Text.Json.JsonSerializer.Serialize(new[] { names[i] })), Is.True, $"row {i}");
        }

        var delay = await ScalarAsync<double>(
            "SELECT extract(epoch FROM min(scheduled_at) - now())::float8 FROM currant.executions WHERE id = ANY(@ids)", ("ids", many.Select(h => h.Id).ToArray()));
        Assert.That(delay, Is.InRange(3_500, 3_600), "scheduled an hour from now");
    }

    [Test]
    public async Task QueueMany_InsideARolledBackTransaction_LeavesNoJobs()
    {
        var queue = NewQueue();
        await using var connection = await Client.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();

        await Tally.Options(queue: queue, transaction: tx, client: Client).QueueMany([("k", 1), ("k", 2)]);
        await tx.RollbackAsync();

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.Zero);
    }

    [TestCase(null)]
    [TestCase("batch")]
    public async Task QueueMany_WhenWakingWorkersFails_LeavesNoJobsSoARetryEnqueuesEachOnce(string? idempotencyKey)
    {
        // A pg_notify that fails, found before pg_catalog's on this client's search path. The caller must see
        // all or nothing: an error with the rows committed anyway would make the natural retry enqueue them twice.
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("""
                CREATE SCHEMA IF NOT EXISTS notify_fails;
                CREATE OR REPLACE FUNCTION notify_fails.pg_notify(text, text) RETURNS void LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'notify refused (test)'; END $$;
                """, connection);
            await create.ExecuteNonQueryAsync();
        }

        var failing = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = "notify_fails, pg_catalog, public" };
        await using var dataSource = NpgsqlDataSource.Create(failing.ConnectionString);
        var broken = CurrantClient.Create(dataSource);
        var queue = NewQueue();
        var key = idempotencyKey is null ? null : $"{idempotencyKey}-{NewKey()}";
        var items = Enumerable.Range(0, 500).Select(i => ("k", i)).ToArray();

        var ex = (await Assert.ThrowsAsync<PostgresException>(async () => await Tally.Options(queue: queue, idempotencyKey: key, client: broken).QueueMany(items)))!;
        Assert.That(ex.MessageText, Does.Contain("notify refused"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.Zero);

        await Tally.Options(queue: queue, idempotencyKey: key, client: Client).QueueMany(items);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.EqualTo(500));
    }

    [Test]
    public async Task EnqueueMany_WithARowPostgresRefuses_LeavesNoneAndTheClientKeepsWorking()
    {
        var queue = NewQueue();
        var arguments = Enumerable.Range(0, 3_000).Select(i => System.Text.Encoding.UTF8.GetBytes($"[\"k\", {i}]")).ToList();
        arguments[2_500] = "[not json"u8.ToArray();

        await Assert.ThrowsAsync<PostgresException>(async () =>
            await Client.EnqueueManyAsync(Tally.CurrantDefinition, arguments, new EnqueueOptions { Queue = queue }));

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.Zero);
        var handles = await Tally.Options(queue: queue, client: Client).QueueMany([("k", 1)]);
        Assert.That(handles, Has.Count.EqualTo(1));
    }

    private static bool JsonEquals(string? a, string? b)
        => System.Text.Json.Nodes.JsonNode.DeepEquals(
            a is null ? null : System.Text.Json.Nodes.JsonNode.Parse(a),
            b is null ? null : System.Text.Json.Nodes.JsonNode.Parse(b));

    [Test]
    public async Task Queue_WithAnOversizedPayload_IsRefusedBeforeAnythingIsWritten()
    {
        var big = new string('x', 2 * 1024 * 1024);
        var ex = (await Assert.ThrowsAsync<ArgumentException>(async () => await Greet.Options(client: Client).Queue(big)))!;
        Assert.That(ex.Message, Does.Contain("over the 1,048,576-byte limit"));
    }

    [Test]
    public async Task Queue_WithoutAClient_SaysHowToConnect()
    {
        var previous = CurrantClient.Default;
        CurrantClient.Default = null;
        try
        {
            var ex = (await Assert.ThrowsAsync<InvalidOperationException>(async () => await Greet.Queue("nobody")))!;
            Assert.That(ex.Message, Does.Contain("CurrantClient.ConnectAsync"));
        }
        finally
        {
            CurrantClient.Default = previous;
        }
    }

    [Test]
    public async Task Connect_WithAMalformedUrl_ExplainsTheExpectedFormat()
    {
        var ex = (await Assert.ThrowsAsync<ArgumentException>(async () => await CurrantClient.ConnectAsync("Hostess=nowhere;;==")))!;
        Assert.That(ex.Message, Does.Contain("not a valid PostgreSQL connection string"));
    }

    [Test]
    public async Task Connect_ToAServerThatDoesNotAnswer_FailsFastNamingTheTarget()
    {
        var ex = (await Assert.ThrowsAsync<CurrantConnectionException>(async () =>
            await CurrantClient.ConnectAsync("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=3")))!;
        Assert.That(ex.Message, Does.Contain("127.0.0.1:1/nothing"));
    }

    [Test]
    public async Task Connect_WithAPostgresUri_IsAccepted()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        var uri = $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
        await using var client = await CurrantClient.ConnectAsync(uri);

        Assert.That(await client.ListAsync(new ExecutionFilter { Limit = 1 }), Is.Not.Null);
    }

    [Test]
    public async Task StartWorker_OnAnUnmigratedDatabase_FailsAtOnceSayingToMigrate()
    {
        var empty = await TestDatabase.CreateDatabaseAsync("unmigrated");
        await using var client = await CurrantClient.ConnectAsync(empty);

        var ex = (await Assert.ThrowsAsync<CurrantConnectionException>(() => client.StartWorkerAsync()))!;
        Assert.That(ex.Message, Does.Contain("currant migrate"));
    }

    [Test]
    public async Task Migrate_RunTwiceOrConcurrently_AppliesEachScriptOnce()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("migrate");
        await using var a = await CurrantClient.ConnectAsync(fresh);
        await using var b = await CurrantClient.ConnectAsync(fresh);

        var results = await Task.WhenAll(a.MigrateAsync(), b.MigrateAsync());
        var again = await a.MigrateAsync();

        Assert.That(results.Sum(r => r.Count), Is.EqualTo(Persistence.Migrator.All.Count));
        Assert.That(again, Is.Empty);
        await using var connection = new NpgsqlConnection(fresh);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM currant.migrations", connection);
        Assert.That((long)(await count.ExecuteScalarAsync())!, Is.EqualTo(Persistence.Migrator.All.Count));
    }

    [Test]
    public async Task List_FiltersByQueueAndState()
    {
        var queue = NewQueue();
        await Greet.Options(queue: queue, client: Client).Queue("a");
        await Greet.Options(queue: queue, client: Client).Queue("b");

        var pending = await Client.ListAsync(new ExecutionFilter { Queue = queue, State = ExecutionState.Pending });
        var completed = await Client.ListAsync(new ExecutionFilter { Queue = queue, State = ExecutionState.Completed });

        Assert.That(pending, Has.Count.EqualTo(2));
        Assert.That(completed, Is.Empty);
    }

    [Test]
    public async Task GetResult_WhenTheTimeoutPassesFirst_ThrowsTimeoutException()
    {
        var handle = await Greet.Options(queue: NewQueue(), client: Client).Queue("nobody serves this queue");

        await Assert.ThrowsAsync<TimeoutException>(async () => await handle.GetResultAsync(TimeSpan.FromMilliseconds(300)));
    }
}
