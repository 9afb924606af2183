using Currant.Tests.Jobs;
using Currant.Tests.Workflows;
using Npgsql;

namespace Currant.Tests.Client;

/// <summary>
/// The SQL API (db/0011): <c>currant.enqueue</c> and <c>currant.send_signal</c> called as plain SQL, the way any language
/// or a trigger would, run by a .NET worker; bad input is a clear SQL error and leaves nothing behind.
/// </summary>
public sealed class SqlApiTests : CurrantFixture
{
    private string _queue = "";
    private CurrantWorker _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorkerAsync()
    {
        // Starting a worker registers the jobs and workflows it knows, which currant.enqueue() reads.
        _queue = NewQueue("sql");
        _worker = await StartWorkerAsync(_queue);
    }

    [OneTimeTearDown]
    public async Task StopWorkerAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }

    private async Task<T> SqlAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Test]
    public async Task Enqueue_FromPlainSql_RunsTheJobOnADotNetWorker()
    {
        var id = await SqlAsync<Guid>("SELECT currant.enqueue('Greet', '[\"sql\"]', queue => @queue)", ("queue", _queue));

        var info = await Client.WaitForCompletionAsync(id, Wait);

        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed), info.Error?.Message);
        Assert.That(info.Result, Does.Contain("Hello, sql!"));
        Assert.That(info.Kind, Is.EqualTo(ExecutionKind.Job));
        Assert.That(info.MaxAttempts, Is.EqualTo(4), "the definition's retries (3) plus one, as the .NET client sets them");
        Assert.That(id.Version, Is.EqualTo(7));
    }

    [Test]
    public async Task EnqueueAndSendSignal_FromPlainSql_DriveAWorkflowToItsResult()
    {
        var id = await SqlAsync<Guid>("SELECT currant.enqueue('Approval', jsonb_build_array(@key::text, 60), queue => @queue, priority => 5)", ("key", NewKey()), ("queue", _queue));
        await SqlAsync<object>("SELECT currant.send_signal(@id, 'decision', '\"yes\"')", ("id", id));

        var handle = new ExecutionHandle<string>(Client, id);
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("decided:yes"));
        Assert.That((await handle.GetStatusAsync()).Priority, Is.EqualTo(5));

        var late = await Assert.ThrowsAsync<PostgresException>(async () => await SqlAsync<object>("SELECT currant.send_signal(@id, 'decision', '\"again\"')", ("id", id)));
        Assert.That(late!.MessageText, Does.Contain("has already finished (completed)"));
    }

    [Test]
    public async Task Enqueue_WithAnIdempotencyKey_ReturnsTheFirstIdAndEnqueuesOnce()
    {
        var key = NewKey();
        const string sql = "SELECT currant.enqueue('Greet', '[\"once\"]', queue => @queue, idempotency_key => @key)";

        var first = await SqlAsync<Guid>(sql, ("queue", _queue), ("key", key));
        var second = await SqlAsync<Guid>(sql, ("queue", _queue), ("key", key));

        Assert.That(second, Is.EqualTo(first));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key = @key", ("key", key)), Is.EqualTo(1));
        Assert.That((await Client.WaitForCompletionAsync(first, Wait)).State, Is.EqualTo(ExecutionState.Completed));
    }

    [Test]
    public async Task Enqueue_WithRunAt_StartsNoEarlier()
    {
        var runAt = DateTimeOffset.UtcNow.AddSeconds(1);
        var id = await SqlAsync<Guid>("SELECT currant.enqueue('Greet', '[\"later\"]', queue => @queue, run_at => @run_at)", ("queue", _queue), ("run_at", runAt));

        var info = await Client.WaitForCompletionAsync(id, Wait);

        Assert.That(info.StartedAt, Is.GreaterThanOrEqualTo(runAt.AddMilliseconds(-50)));
    }

    [TestCase("SELECT currant.enqueue('NoSuchJob', '[]')", "no job or workflow is named 'NoSuchJob'")]
    [TestCase("SELECT currant.enqueue('Greet', '{\"name\": \"x\"}')", "must be a JSON array of 1 value(s) (name), but were a JSON object")]
    [TestCase("SELECT currant.enqueue('Greet', NULL)", "must be a JSON array of 1 value(s) (name), but were NULL")]
    [TestCase("SELECT currant.enqueue('Greet', '[\"a\", \"b\"]')", "'Greet' takes 1 argument(s) (name), but args has 2")]
    [TestCase("SELECT currant.enqueue('Greet', '[\"a\"]', queue => 'has space')", "'has space' is not a valid queue name")]
    [TestCase("SELECT currant.enqueue('Greet', jsonb_build_array(repeat('x', 1100000)))", "over the 1048576-byte limit")]
    [TestCase("SELECT currant.enqueue('Greet', '[\"a\\u0000\"]')", "unsupported Unicode escape sequence")]
    [TestCase("SELECT currant.send_signal('01a2057f-9d20-7af1-bde5-7cfbe67c9120', 'x', NULL)", "no execution with id 01a2057f-9d20-7af1-bde5-7cfbe67c9120")]
    [TestCase("SELECT currant.send_signal(currant.uuid_v7(), ' padded', NULL)", "' padded' is not a valid signal name")]
    public async Task BadInput_IsAClearSqlError_AndLeavesNothingBehind(string sql, string message)
    {
        var before = await ScalarAsync<long>("SELECT count(*) FROM currant.executions");

        var error = await Assert.ThrowsAsync<PostgresException>(async () => await SqlAsync<object>(sql));

        Assert.That(error!.MessageText, Does.Contain(message));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions"), Is.EqualTo(before));
    }

    [Test]
    public async Task UnknownName_ErrorHint_ListsTheRegisteredNames()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(async () => await SqlAsync<object>("SELECT currant.enqueue('Gret', '[]')"));
        Assert.That(error!.Hint, Does.Contain("Greet").And.Contain("Approval").And.Contain("a worker that knows them registers them"));
    }

    [Test]
    public async Task SendSignal_ToAJob_SaysOnlyWorkflowsTakeSignals()
    {
        var job = await Greet.Options(queue: NewQueue(), client: Client).Queue("x");
        var error = await Assert.ThrowsAsync<PostgresException>(async () => await SqlAsync<object>("SELECT currant.send_signal(@id, 'x')", ("id", job.Id)));
        Assert.That(error!.MessageText, Does.Contain("is a job, not a workflow"));
    }

    [Test]
    public async Task UuidV7_IsVersion7AndTimeOrdered()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await SqlAsync<Guid>("SELECT currant.uuid_v7()"));

            // On the server's clock, which the ids are made from: a client-side Task.Delay(2) once ended within the
            // same millisecond there (random bits order ids of one millisecond).
            await SqlAsync<object>("SELECT pg_sleep(0.002)");
        }

        Assert.That(ids.Select(g => g.Version), Is.All.EqualTo(7));
        Assert.That(ids.Select(g => g.Variant), Is.All.InRange(8, 11));
        Assert.That(ids.Select(g => g.ToString()), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }
}
