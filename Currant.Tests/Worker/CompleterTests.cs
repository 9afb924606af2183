using Currant.Persistence;
using Currant.Tests.Jobs;
using Currant.Tests.Workflows;
using Microsoft.Extensions.Logging.Abstractions;

namespace Currant.Tests.Worker;

/// <summary>Outcomes PostgreSQL refuses: isolated, failed with the reason, never blocking the others.</summary>
public sealed class CompleterTests : CurrantFixture
{
    [Test]
    public async Task Result_WithANul_FailsThatJobAloneWithTheReasonAndTheOthersComplete()
    {
        var queue = NewQueue("poison");
        const int jobs = 400;
        var handles = await MaybePoison.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, jobs).Select(n => (n, n == 123)));

        await using (await StartWorkerAsync(queue, concurrency: 16))
        {
            await WaitUntilNoneUnfinishedAsync(queue);
        }

        Assert.That(await CountAsync(queue, "state IN ('pending', 'running')"), Is.Zero, "nothing left running or pending");
        Assert.That(await CountAsync(queue, "state = 'completed'"), Is.EqualTo(jobs - 1));
        var poisoned = await handles[123].GetStatusAsync();
        Assert.That(poisoned.State, Is.EqualTo(ExecutionState.Failed));
        Assert.That(poisoned.Attempt, Is.EqualTo(1), "a value PostgreSQL cannot store is not retried");
        Assert.That(poisoned.Error!.Message, Does.Contain("result of 'MaybePoison'").And.Contain("U+0000"));
        Assert.That(poisoned.Error.NonRetryable, Is.True);
        Assert.That(await handles[124].GetResultAsync(Wait), Is.EqualTo("ok-124"));
    }

    [Test]
    public async Task Batch_WithAnOutcomePostgresRefuses_IsSplitSoOnlyThatRowFailsAndTheRestAreWritten()
    {
        // Rows held by a worker that exists only here, so the completer is the only writer.
        var queue = NewQueue("batch");
        var workerId = Guid.CreateVersion7();
        var ids = Enumerable.Range(0, 300).Select(_ => Guid.CreateVersion7()).ToArray();
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, state, attempt, max_attempts, worker_id, started_at)
            SELECT id, 'job', 'Handmade', @queue, 'running', 1, 3, @worker, now() FROM unnest(@ids) AS id;
            SELECT 1
            """, ("queue", queue), ("worker", workerId), ("ids", ids));
        var completer = new global::Currant.Worker.Completer(Client.Store, workerId, capacity: 1024, NullLogger.Instance, TimeProvider.System);
        completer.Start();
        for (var i = 0; i < ids.Length; i++)
        {
            // Raw jsonb text: the completer writes what it is given, so this reaches PostgreSQL as is.
            var result = i == 77 ? "\"bad \\u0000 value\"" : $"{i}";
            await completer.CompleteAsync(new Completion(ids[i], 1, ExecutionState.Completed, result, null, null, false), "Handmade");
        }

        Assert.That(await completer.DrainAsync(TimeSpan.FromSeconds(30)), Is.Zero, "nothing abandoned");
        Assert.That(completer.FailingSince, Is.Null);
        Assert.That(await CountAsync(queue, "state = 'completed'"), Is.EqualTo(ids.Length - 1));
        var refused = (await Client.Store.GetAsync(ids[77], CancellationToken.None))!;
        Assert.That(refused.State, Is.EqualTo(ExecutionState.Failed));
        Assert.That(refused.Error!.Type, Is.EqualTo(SharedNames.UnstorableValueError));
        Assert.That(refused.Error.Message, Does.Contain("PostgreSQL refused").And.Contain("Handmade").And.Contain("22P05"));
        Assert.That(refused.Error.NonRetryable, Is.True);
    }

    [Test]
    public async Task Error_WhoseMessageCarriesANul_IsStoredWithTheNulReplaced()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await ThrowsNul.Options(queue: queue, client: Client).Queue();
        var ex = await Assert.ThrowsAsync<ExecutionFailedException>(() => handle.GetResultAsync(Wait));

        Assert.That(ex!.Error.Message, Is.EqualTo("broken\uFFFDmessage"));
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Failed));
    }

    [Test]
    public async Task Activation_ThatPostgresRefusesToCommit_FailsTheWorkflowAfterItsTriesInsteadOfLooping()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await UnstorableStep.Options(queue: queue, client: Client).Queue(key);
        var ex = await Assert.ThrowsAsync<ExecutionFailedException>(() => handle.GetResultAsync(TimeSpan.FromSeconds(30)));

        Assert.That(ex!.Error.Type, Is.EqualTo("Currant.ActivationRefusedException"));
        Assert.That(ex.Error.Message, Does.Contain("PostgreSQL refused the commit").And.Contain("UnstorableStep"));
        Assert.That(Probe.Count(key), Is.EqualTo(3), "the activation was tried three times, not forever");
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Failed));
    }

    private async Task WaitUntilNoneUnfinishedAsync(string queue)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await CountAsync(queue, "state IN ('pending', 'running')") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    private Task<long> CountAsync(string queue, string where)
        => ScalarAsync<long>($"SELECT count(*) FROM currant.executions WHERE queue = @queue AND {where}", ("queue", queue));
}
