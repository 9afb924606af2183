using Currant.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Tests.Worker;

public sealed class CurrantWorkerTests : CurrantFixture
{
    [Test]
    public async Task Job_WhenQueued_RunsOnWorkerAndReturnsItsResult()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Greet.Options(queue: queue, client: Client).Queue("Ada");
        var greeting = await handle.GetResultAsync(Wait);

        Assert.That(greeting, Is.EqualTo(new Greeting("Hello, Ada!", 3)));
        var info = await handle.GetStatusAsync();
        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed));
        Assert.That(info.Attempt, Is.EqualTo(1));
        Assert.That(info.Kind, Is.EqualTo(ExecutionKind.Job));
        Assert.That(info.Name, Is.EqualTo("Greet"));
    }

    [Test]
    public async Task Claim_WithMixedPriorities_RunsHigherPriorityFirst()
    {
        var queue = NewQueue();
        var key = NewKey();
        await RecordOrder.Options(queue: queue, priority: 0, client: Client).Queue(key, "low-1");
        await RecordOrder.Options(queue: queue, priority: 0, client: Client).Queue(key, "low-2");
        await RecordOrder.Options(queue: queue, priority: 10, client: Client).Queue(key, "high");
        var last = await RecordOrder.Options(queue: queue, priority: -5, client: Client).Queue(key, "lowest");

        await using (await StartWorkerAsync(queue, concurrency: 1))
        {
            await last.GetResultAsync(Wait);
        }

        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "high", "low-1", "low-2", "lowest" }));
    }

    [Test]
    public async Task Job_WithDelay_DoesNotStartBeforeItIsDue()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Greet.Options(queue: queue, delay: TimeSpan.FromSeconds(1.5), client: Client).Queue("later");
        await Task.Delay(500);
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Pending));

        await handle.GetResultAsync(Wait);
        var info = await handle.GetStatusAsync();
        Assert.That(info.StartedAt!.Value - info.CreatedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.4)));
    }

    [Test]
    public async Task Job_WithRunAt_StartsAtThatTime()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);
        var runAt = DateTimeOffset.UtcNow.AddSeconds(1);

        var handle = await Greet.Options(queue: queue, runAt: runAt, client: Client).Queue("at");
        await handle.GetResultAsync(Wait);

        Assert.That((await handle.GetStatusAsync()).StartedAt, Is.GreaterThanOrEqualTo(runAt.AddMilliseconds(-50)));
    }

    [Test]
    public async Task Job_ThatFailsTwice_IsRetriedWithGrowingBackoffAndSucceeds()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { RetryBaseDelay = TimeSpan.FromMilliseconds(200), RetryMaxDelay = TimeSpan.FromSeconds(5) });

        var handle = await Flaky.Options(queue: queue, client: Client).Queue(key, 2);
        var attempt = await handle.GetResultAsync(Wait);

        Assert.That(attempt, Is.EqualTo(3));
        var events = Probe.Of(key);
        Assert.That(events, Has.Count.EqualTo(3));
        var firstGap = events[1].At - events[0].At;
        var secondGap = events[2].At - events[1].At;
        Assert.That(firstGap, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)), "first backoff is about the base delay");
        Assert.That(secondGap, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280)), "second backoff is about twice the base delay");
        var info = await handle.GetStatusAsync();
        Assert.That(info.Attempt, Is.EqualTo(3));
        Assert.That(info.Error?.Message, Is.EqualTo("flaky failure 2"), "the last failure stays visible");
    }

    [Test]
    public async Task Job_ThatAlwaysFails_FailsAfterItsRetriesWithTheRemoteError()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Flaky.Options(queue: queue, retries: 1, client: Client).Queue(key, 100);
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait)))!;

        Assert.That(failure.Error.Type, Is.EqualTo("System.InvalidOperationException"));
        Assert.That(failure.Error.Message, Is.EqualTo("flaky failure 2"));
        Assert.That(failure.RemoteStackTrace, Does.Contain("Flaky.ExecuteAsync"));
        Assert.That(Probe.Count(key), Is.EqualTo(2));
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Failed));
    }

    [Test]
    public async Task Job_ThrowingANonRetryableType_FailsOnFirstAttempt()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await RejectsBadInput.Options(queue: queue, client: Client).Queue(key);
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait)))!;

        Assert.That(failure.Error.Type, Is.EqualTo("System.ArgumentException"));
        Assert.That(failure.Error.NonRetryable, Is.True);
        Assert.That(Probe.Count(key), Is.EqualTo(1));
    }

    [Test]
    public async Task Job_ExceedingItsTimeout_IsCancelledThroughItsTokenAndFails()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Sleeper.Options(queue: queue, client: Client).Queue(key, 30);
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait)))!;

        Assert.That(failure.Error.Type, Is.EqualTo("System.TimeoutException"));
        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "started", "cancelled" }));
    }

    [Test]
    public async Task Job_WithTimeoutAndRetries_IsRetriedAfterTimingOut()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Sleeper.Options(queue: queue, timeout: TimeSpan.FromMilliseconds(300), retries: 1, client: Client).Queue(key, 30);
        await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait));

        Assert.That(Probe.Of(key).Count(e => e.Note == "started"), Is.EqualTo(2));
        Assert.That((await handle.GetStatusAsync()).Attempt, Is.EqualTo(2));
    }

    [Test]
    public async Task Cancel_OfARunningJob_FiresItsTokenAndRecordsCancelled()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Sleeper.Options(queue: queue, timeout: TimeSpan.FromMinutes(1), client: Client).Queue(key, 60);
        await WaitUntilAsync(() => Probe.Count(key) >= 1);
        Assert.That(await handle.CancelAsync(), Is.True);

        await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "started", "cancelled" }));
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Cancelled));
    }

    [Test]
    public async Task Cancel_OfAPendingJob_MeansItNeverRuns()
    {
        var queue = NewQueue();
        var key = NewKey();
        var handle = await Sleeper.Options(queue: queue, client: Client).Queue(key, 0);

        Assert.That(await handle.CancelAsync(), Is.True);
        var marker = await Greet.Options(queue: queue, client: Client).Queue("after");
        await using (await StartWorkerAsync(queue, concurrency: 1))
        {
            await marker.GetResultAsync(Wait);
        }

        Assert.That(Probe.Count(key), Is.Zero);
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Cancelled));
        Assert.That(await handle.CancelAsync(), Is.False, "a finished execution cannot be cancelled again");
    }

    [Test]
    public async Task Job_WithConstructorDependency_GetsItFromTheServiceProvider()
    {
        var queue = NewQueue();
        var services = new ServiceCollection().AddSingleton<IGreetingFormatter, ExclaimingFormatter>().BuildServiceProvider();
        await using var worker = await StartWorkerAsync(queue, services: services);

        var handle = await FormatWithService.Options(queue: queue, client: Client).Queue("Grace");

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("Grace!!!"));
    }

    [Test]
    public async Task Job_WithMissingDependency_FailsWithAMessageNamingIt()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await FormatWithService.Options(queue: queue, retries: 0, client: Client).Queue("Grace");
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait)))!;

        Assert.That(failure.Error.Message, Does.Contain("IGreetingFormatter"));
    }

    [Test]
    public async Task Execution_WithUnknownName_FailsReadablyWhileOtherJobsKeepFlowing()
    {
        var queue = NewQueue();
        var ghost = new ExecutionDefinition { Name = "NoSuchJob", Kind = ExecutionKind.Job, Invoke = _ => throw new InvalidOperationException("never") };
        var ghostId = await Client.EnqueueAsync(ghost, "[]"u8.ToArray(), new EnqueueOptions { Queue = queue, Retries = 3 });
        var good = await Greet.Options(queue: queue, client: Client).Queue("still works");
        await using var worker = await StartWorkerAsync(queue);

        Assert.That((await good.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, still works!"));
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await new ExecutionHandle(Client, ghostId).WaitAsync(Wait)))!;
        Assert.That(failure.Error.Type, Is.EqualTo("Currant.UnknownExecutionException"));
        Assert.That(failure.Error.Message, Does.Contain("No [Job], [Activity] or [Workflow] named 'NoSuchJob'"));
        Assert.That((await Client.GetExecutionAsync(ghostId))!.Attempt, Is.EqualTo(1), "an unknown name is not retried");
    }

    [Test]
    public async Task Execution_WithUndeserializableArguments_FailsNamingTheParameter()
    {
        var queue = NewQueue();
        var wrongType = await Client.EnqueueAsync(Greet.CurrantDefinition, """[{"not":"a string"}]"""u8.ToArray(), new EnqueueOptions { Queue = queue });
        var wrongCount = await Client.EnqueueAsync(Greet.CurrantDefinition, """["a","b"]"""u8.ToArray(), new EnqueueOptions { Queue = queue });
        var good = await Greet.Options(queue: queue, client: Client).Queue("fine");
        await using var worker = await StartWorkerAsync(queue);

        Assert.That((await good.GetResultAsync(Wait)).Text, Is.EqualTo("Hello, fine!"));
        var typeFailure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await new ExecutionHandle(Client, wrongType).WaitAsync(Wait)))!;
        Assert.That(typeFailure.Error.Type, Is.EqualTo("Currant.ArgumentDeserializationException"));
        Assert.That(typeFailure.Error.Message, Does.Contain("'name'"));
        var countFailure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await new ExecutionHandle(Client, wrongCount).WaitAsync(Wait)))!;
        Assert.That(countFailure.Error.Message, Does.Contain("must be a JSON array of 1 value, but were an array of 2 values"));
    }

    [Test]
    public async Task Worker_WhenStopped_LetsInFlightWorkFinishWithinTheGracePeriod()
    {
        var queue = NewQueue();
        var key = NewKey();
        var worker = await StartWorkerAsync(queue, configure: o => o with { ShutdownGrace = TimeSpan.FromSeconds(10) });
        var handle = await Sleeper.Options(queue: queue, timeout: TimeSpan.FromMinutes(1), client: Client).Queue(key, 0.5);
        await WaitUntilAsync(() => Probe.Count(key) >= 1);

        await worker.DisposeAsync();

        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "started", "finished" }));
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Completed));
    }

    [Test]
    public async Task Worker_WhenStoppedPastTheGracePeriod_HandsUnfinishedWorkBack()
    {
        var queue = NewQueue();
        var key = NewKey();
        var worker = await StartWorkerAsync(queue, configure: o => o with { ShutdownGrace = TimeSpan.FromMilliseconds(200) });
        var handle = await Sleeper.Options(queue: queue, timeout: TimeSpan.FromMinutes(1), retries: 0, client: Client).Queue(key, 60);
        await WaitUntilAsync(() => Probe.Count(key) >= 1);

        await worker.DisposeAsync();

        var info = await handle.GetStatusAsync();
        Assert.That(info.State, Is.EqualTo(ExecutionState.Pending));
        Assert.That(info.Attempt, Is.Zero, "a handed-back attempt is not counted");
        Assert.That(info.WorkerId, Is.Null);
    }

    [Test]
    public async Task Worker_WithConcurrencyLimit_NeverRunsMoreThanThatAtOnce()
    {
        var queue = NewQueue();
        var key = NewKey();
        var handles = new List<ExecutionHandle<string>>();
        for (var i = 0; i < 6; i++)
        {
            handles.Add(await Sleeper.Options(queue: queue, client: Client).Queue(key, 0.3));
        }

        await using var worker = await StartWorkerAsync(queue, concurrency: 2);
        await WaitUntilAsync(() => Probe.Count(key) >= 2);
        var running = await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND state = 'running'", ("q", queue));
        Assert.That(running, Is.LessThanOrEqualTo(2));
        foreach (var h in handles)
        {
            await h.GetResultAsync(Wait);
        }
    }

    [Test]
    public async Task StartWorker_WithInvalidOptions_ThrowsAClearError()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.StartWorkerAsync(new WorkerOptions { MaxConcurrency = 0 }));
        var ex = (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.StartWorkerAsync(new WorkerOptions { HeartbeatInterval = TimeSpan.FromSeconds(10), HeartbeatTimeout = TimeSpan.FromSeconds(5) })))!;
        Assert.That(ex.Message, Does.Contain("HeartbeatTimeout"));
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Condition was not met in time.");
            }

            await Task.Delay(20);
        }
    }

    [Test]
    public async Task Row_RunningUnderALiveWorkerThatNeverReceivedIt_IsHandedBackAndRun()
    {
        // What a claim whose reply was lost leaves behind: the row is ours in the database, but no slot knows it.
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(200), HeartbeatTimeout = TimeSpan.FromSeconds(30) });
        var id = Guid.CreateVersion7();
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, state, args, attempt, max_attempts, worker_id, started_at, scheduled_at)
            VALUES (@id, 'job', 'Greet', @queue, 'running', '["orphan"]', 1, 1, @worker, now() - interval '1 minute', now() - interval '1 minute');
            SELECT 1
            """, ("id", id), ("queue", queue), ("worker", worker.Id));

        var greeting = await new ExecutionHandle<Greeting>(Client, id).GetResultAsync(Wait);

        Assert.That(greeting.Text, Is.EqualTo("Hello, orphan!"));
        var info = await new ExecutionHandle<Greeting>(Client, id).GetStatusAsync();
        Assert.That(info.Attempt, Is.EqualTo(1), "handing back an orphan does not spend its attempt");
        Assert.That(info.WorkerId, Is.Null);
    }
}
