using Currant.Tests.Jobs;
using Currant.Tests.Workflows;

namespace Currant.Tests.Worker;

/// <summary>Outcomes PostgreSQL refuses: isolated, failed with the reason, never blocking the others.</summary>
public sealed class CompleterTests : CurrantFixture
{
    [Test]
    public async Task Result_ThatPostgresRefuses_FailsThatJobAloneAndTheOthersComplete()
    {
        var queue = NewQueue("poison");
        const int jobs = 400;
        var handles = await MaybePoison.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, jobs).Select(n => (n, n == 123)));

        await using (await StartWorkerAsync(queue, concurrency: 16))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await CountAsync(queue, "state IN ('pending', 'running')") > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        Assert.That(await CountAsync(queue, "state IN ('pending', 'running')"), Is.Zero, "nothing left running or pending");
        Assert.That(await CountAsync(queue, "state = 'completed'"), Is.EqualTo(jobs - 1));
        var poisoned = await handles[123].GetStatusAsync();
        Assert.That(poisoned.State, Is.EqualTo(ExecutionState.Failed));
        Assert.That(poisoned.Attempt, Is.EqualTo(1), "a refused value is not retried");
        Assert.That(poisoned.Error!.Type, Is.EqualTo("Currant.UnstorableValueException"));
        Assert.That(poisoned.Error.Message, Does.Contain("PostgreSQL refused").And.Contain("MaybePoison").And.Contain("\\u0000"));
        Assert.That(poisoned.Error.NonRetryable, Is.True);
        Assert.That(await handles[124].GetResultAsync(Wait), Is.EqualTo("ok-124"));
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

    private Task<long> CountAsync(string queue, string where)
        => ScalarAsync<long>($"SELECT count(*) FROM currant.executions WHERE queue = @queue AND {where}", ("queue", queue));
}
