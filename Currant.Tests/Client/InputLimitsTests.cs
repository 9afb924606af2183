using Currant.Tests.Jobs;
using Currant.Tests.Workflows;

namespace Currant.Tests.Client;

/// <summary>Bad input is refused at the door with a clear error, never deep in Postgres or by a retry loop.</summary>
public sealed class InputLimitsTests : CurrantFixture
{
    private static readonly string HugeQueue = new('q', 10_000);

    private Task<long> CountInQueueAsync(string queue)
        => ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue));

    [Test]
    public async Task Queue_OnATenThousandCharacterQueueName_IsRefusedNamingTheRule()
    {
        var ex = (await Assert.ThrowsAsync<ArgumentException>(async () => await Greet.Options(queue: HugeQueue, client: Client).Queue("x")))!;

        Assert.That(ex.Message, Does.Contain("(it has 10,000 characters): queue names are 1 to 128 characters"));
        Assert.That(ex.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public async Task Queue_OfADefinitionWithAnInvalidName_IsRefused()
    {
        var definition = new ExecutionDefinition { Name = "send\nemail", Kind = ExecutionKind.Job, Invoke = _ => default };

        var ex = (await Assert.ThrowsAsync<ArgumentException>(async () => await Client.EnqueueAsync(definition, "[]"u8.ToArray(), null)))!;

        Assert.That(ex.Message, Does.StartWith(@"The execution name 'send\u000Aemail' is not valid (it contains U+000A)"));
    }

    [Test]
    public async Task QueueMany_OnAnInvalidQueueName_WritesNothing()
    {
        var queue = NewQueue() + " ";

        await Assert.ThrowsAsync<ArgumentException>(async () => await Tally.Options(queue: queue, client: Client).QueueMany([("k", 1), ("k", 2)]));

        Assert.That(await CountInQueueAsync(queue), Is.Zero);
    }

    [Test]
    public async Task StartWorker_OnATenThousandCharacterQueueName_IsRefusedNamingTheRule()
    {
        var ex = (await Assert.ThrowsAsync<ArgumentException>(() => Client.StartWorkerAsync(new WorkerOptions { Queues = ["emails", HugeQueue] })))!;

        Assert.That(ex.Message, Does.Contain("queue names are 1 to 128 characters"));
        Assert.That(ex.ParamName, Is.EqualTo("Queues"));
    }

    [Test]
    public async Task Queue_WithANulInAnArgument_IsRefusedNamingTheParameter()
    {
        var ex = (await Assert.ThrowsAsync<ArgumentException>(async () => await Greet.Options(client: Client).Queue("Ada\0")))!;

        Assert.That(ex.Message, Does.StartWith($"Argument 'name' (#0) of '{Greet.CurrantDefinition.Name}' contains the character U+0000 (NUL)"));
    }

    [Test]
    public async Task QueueMany_WithANulInOneItem_WritesNoneOfThem()
    {
        var queue = NewQueue();

        var ex = (await Assert.ThrowsAsync<ArgumentException>(async () =>
            await Tally.Options(queue: queue, client: Client).QueueMany([("fine", 1), ("k\0", 2), ("fine", 3)])))!;

        Assert.That(ex.Message, Does.StartWith("Argument 'key' (#0) of 'Tally' contains the character U+0000"));
        Assert.That(await CountInQueueAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Queue_InATransactionWithANul_IsRefusedAndTheTransactionCarriesOn()
    {
        var queue = NewQueue();
        await using var connection = await Client.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await Greet.Options(queue: queue, transaction: tx, client: Client).Queue("\0"));
        var handle = await Greet.Options(queue: queue, transaction: tx, client: Client).Queue("after");
        await tx.CommitAsync();

        Assert.That(await CountInQueueAsync(queue), Is.EqualTo(1));
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Pending));
    }

    [Test]
    public async Task Queue_WithTheTextBackslashU0000_IsStoredAndRunsUnchanged()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Greet.Options(queue: queue, client: Client).Queue(@"C:\u0000");

        Assert.That((await handle.GetResultAsync(Wait)).Text, Is.EqualTo(@"Hello, C:\u0000!"));
    }

    [Test]
    public async Task SendSignal_WithANulInThePayloadOrABadName_IsRefusedBeforeAnythingIsStored()
    {
        var queue = NewQueue("wf");
        var handle = await Approval.Options(queue: queue, client: Client).Queue(NewKey(), 30);

        var payload = (await Assert.ThrowsAsync<ArgumentException>(async () => await handle.SignalAsync("decision", "yes\0")))!;
        var name = (await Assert.ThrowsAsync<ArgumentException>(async () => await handle.SignalAsync(" decision", "yes")))!;

        Assert.That(payload.Message, Does.StartWith("The 'decision' signal payload contains the character U+0000 (NUL)"));
        Assert.That(name.Message, Does.Contain("it starts or ends with white space"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id", ("id", handle.Id)), Is.Zero);
    }

    [Test]
    public async Task WaitForSignal_WithAnInvalidName_FailsTheWorkflowNamingTheRule()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await WaitForNamedSignal.Options(queue: queue, retries: 0, client: Client).Queue("go\t");
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait)))!;

        Assert.That(failure.Error.Type, Is.EqualTo(typeof(ArgumentException).FullName));
        Assert.That(failure.Error.Message, Does.Contain(@"The signal name 'go\u0009' is not valid"));
    }

    [TestCase("""{"a":1}""", "must be a JSON array of 1 value, but were a JSON object")]
    [TestCase("[1,2,3]", "must be a JSON array of 1 value, but were an array of 3 values")]
    public async Task Execution_InsertedByHandWithArgumentsThatDoNotFit_FailsOnceWithoutRetries(string args, string message)
    {
        var queue = NewQueue();
        var id = await ScalarAsync<Guid>(
            "INSERT INTO currant.executions (id, kind, name, queue, args, max_attempts) VALUES (gen_random_uuid(), 'job', @name, @q, @args::jsonb, 5) RETURNING id",
            ("name", Greet.CurrantDefinition.Name), ("q", queue), ("args", args));
        await using var worker = await StartWorkerAsync(queue);

        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await new ExecutionHandle(Client, id).WaitAsync(Wait)))!;

        var info = (await Client.GetExecutionAsync(id))!;
        Assert.That(info.State, Is.EqualTo(ExecutionState.Failed));
        Assert.That(info.Attempt, Is.EqualTo(1), "not retried");
        Assert.That(failure.Error.Type, Is.EqualTo(typeof(ArgumentDeserializationException).FullName));
        Assert.That(failure.Error.Message, Is.EqualTo($"The arguments of '{Greet.CurrantDefinition.Name}' {message}."));
    }
}
