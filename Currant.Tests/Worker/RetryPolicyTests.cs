using Currant.Tests.Jobs;

namespace Currant.Tests.Worker;

/// <summary>
/// Retry policies (DESIGN §2.1): attribute delays and per-call <see cref="RetryPolicy"/>, stored with the row and
/// applied by the worker when an attempt fails, whatever the worker's own backoff (50 ms in these fixtures).
/// </summary>
public sealed class RetryPolicyTests : CurrantFixture
{
    [Test]
    public async Task Job_WithRetryDelayOneAndBackoffOne_StartsEachAttemptAboutOneSecondAfterTheLast()
    {
        // "Poll every 60 s" is RetryDelay = 60, RetryBackoff = 1: the same with 1 s.
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await PollEverySecond.Options(queue: queue, client: Client).Queue(key, 3);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(4));
        var starts = Probe.Of(key).Select(e => e.At).ToArray();
        Assert.That(starts, Has.Length.EqualTo(4));
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        Assert.That(gaps, Is.All.InRange(0.7, 1.6), $"constant ~1 s (±25% jitter), not the worker's 50 ms doubling: {string.Join(", ", gaps)}");
        var info = (await Client.GetExecutionAsync(handle.Id))!;
        Assert.That(info.RetryPolicy, Is.EqualTo(new RetryPolicy { Retries = 5, InitialDelay = TimeSpan.FromSeconds(1), BackoffCoefficient = 1 }));
    }

    [Test]
    public async Task PerCallPolicy_WithBackoffAndMaximum_GrowsTheDelayUntilTheMaximum()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var policy = new RetryPolicy(retries: 4, initialDelay: TimeSpan.FromSeconds(0.2), backoffCoefficient: 3, maximumDelay: TimeSpan.FromSeconds(0.7));
        var handle = await Flaky.Options(queue: queue, client: Client, retryPolicy: policy).Queue(key, 4);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(5));
        var starts = Probe.Of(key).Select(e => e.At).ToArray();
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        var text = string.Join(", ", gaps.Select(g => g.ToString("0.000")));
        // 0.2, 0.6, then 1.8 and 5.4 capped at 0.7; each ±25%.
        Assert.That(gaps[0], Is.InRange(0.14, 0.45), text);
        Assert.That(gaps[1], Is.InRange(0.44, 0.95), text);
        Assert.That(gaps[2], Is.InRange(0.51, 1.1), text);
        Assert.That(gaps[3], Is.InRange(0.51, 1.1), "capped at the maximum: " + text);
        Assert.That(await ScalarAsync<string>("SELECT retry_policy::text FROM currant.executions WHERE id = @id", ("id", handle.Id)),
            Is.EqualTo("""{"backoff": 3, "maxDelay": 0.7, "initialDelay": 0.2}"""), "stored with the row");
        Assert.That((await Client.GetExecutionAsync(handle.Id))!.MaxAttempts, Is.EqualTo(5), "the policy's retries");
    }

    [Test]
    public async Task PerCallPolicy_OverridesTheAttributesDelayAndKeepsTheRest()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await PollEverySecond.Options(queue: queue, client: Client, retryPolicy: new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(0.1) }).Queue(key, 2);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(3));
        var info = (await Client.GetExecutionAsync(handle.Id))!;
        Assert.That(info.RetryPolicy, Is.EqualTo(new RetryPolicy { Retries = 5, InitialDelay = TimeSpan.FromSeconds(0.1), BackoffCoefficient = 1 }),
            "the call's delay, the attribute's backoff and retries");
        var starts = Probe.Of(key).Select(e => e.At).ToArray();
        Assert.That((starts[^1] - starts[0]).TotalSeconds, Is.LessThan(0.7), "0.1 s apart, not the attribute's 1 s");
    }

    [Test]
    public async Task QueueManyWithIdempotencyKey_StoresThePolicyAndHeartbeatTimeoutOnEveryRow()
    {
        var queue = NewQueue();
        var stub = Greet.Options(queue: queue, client: Client, idempotencyKey: NewKey(),
            retryPolicy: new RetryPolicy(initialDelay: TimeSpan.FromSeconds(3), backoffCoefficient: 1), heartbeatTimeout: TimeSpan.FromSeconds(12));

        var handles = await stub.QueueMany(["a", "b", "c"]);

        Assert.That(await ScalarAsync<long>(
            "SELECT count(*) FROM currant.executions WHERE id = ANY(@ids) AND heartbeat_timeout_ms = 12000 AND retry_policy = '{\"backoff\": 1, \"initialDelay\": 3}'",
            ("ids", handles.Select(h => h.Id).ToArray())), Is.EqualTo(3));
    }

    [Test]
    public async Task NonRetryableErrorTypes_ByNameOrBaseTypeName_FailTheJobOnTheFirstAttempt()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);
        var exact = NewKey();
        var byBase = NewKey();

        var first = await Flaky.Options(queue: queue, client: Client,
            retryPolicy: new RetryPolicy(nonRetryableErrorTypes: ["System.InvalidOperationException"])).Queue(exact, 3);
        var second = await Flaky.Options(queue: queue, client: Client,
            retryPolicy: new RetryPolicy(nonRetryableErrorTypes: ["System.SystemException"])).Queue(byBase, 3);

        var error = await Assert.ThrowsAsync<ExecutionFailedException>(async () => await first.GetResultAsync(Wait));
        Assert.That(error!.Error.NonRetryable, Is.True);
        await Assert.ThrowsAsync<ExecutionFailedException>(async () => await second.GetResultAsync(Wait));
        Assert.That(Probe.Count(exact), Is.EqualTo(1));
        Assert.That(Probe.Count(byBase), Is.EqualTo(1), "InvalidOperationException is a SystemException");
    }

    [TestCase(-1.0, null, null, "InitialDelay cannot be negative")]
    [TestCase(null, 0.5, null, "BackoffCoefficient must be a finite number of at least 1")]
    [TestCase(5.0, null, 2.0, "MaximumDelay (00:00:02) cannot be less than its InitialDelay (00:00:05)")]
    [TestCase(null, null, 0.0, "MaximumDelay must be positive")]
    public async Task InvalidPolicy_IsRefusedAtEnqueue_AndNothingIsWritten(double? initial, double? backoff, double? maximum, string message)
    {
        var queue = NewQueue();
        var policy = new RetryPolicy(
            initialDelay: initial is { } i ? TimeSpan.FromSeconds(i) : null,
            backoffCoefficient: backoff,
            maximumDelay: maximum is { } m ? TimeSpan.FromSeconds(m) : null);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Flaky.Options(queue: queue, client: Client, retryPolicy: policy).Queue("x", 0));

        Assert.That(error!.Message, Does.Contain(message));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.Zero);
    }

    [Test]
    public async Task HeartbeatTimeoutOrPolicy_OnAWorkflow_IsRefusedWithTheReason()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await Client.EnqueueAsync(PollingFlow.CurrantDefinition, new ArgumentWriter(Client.SerializerOptions).Write("k").ToArray(),
                new EnqueueOptions { RetryPolicy = new RetryPolicy(retries: 2) }));

        Assert.That(error!.Message, Does.Contain("workflows are not retried"));
    }

    [Test]
    public async Task Activity_WithConstantRetryDelay_IsRetriedAtThatPace_FromInsideTheActivationToItsOwnRow()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await PollingFlow.Options(queue: queue, client: Client).Queue(key);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(3));
        var starts = Probe.Of(key).Select(e => e.At).ToArray();
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        Assert.That(gaps, Is.All.InRange(0.2, 0.6), string.Join(", ", gaps));
        var activity = (await Client.GetHistoryAsync(handle.Id)).Single();
        Assert.That(await ScalarAsync<string>("SELECT retry_policy::text FROM currant.executions WHERE id = @id", ("id", activity.ChildId!.Value)),
            Is.EqualTo("""{"backoff": 1, "initialDelay": 0.3}"""), "the row written for the retry of the attempt run inside the activation keeps the policy");
    }
}
