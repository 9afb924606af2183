using Currant.Tests.Jobs;

namespace Currant.Tests.Worker;

/// <summary>
/// Heartbeats (DESIGN §2.1): <see cref="Execution.Heartbeat{T}(T)"/> with progress details, throttled writes, the
/// heartbeat timeout (the running worker's watchdog, and any live worker's sweep when the attempt is stuck), and the
/// details a retried attempt resumes from.
/// </summary>
public sealed class HeartbeatTests : CurrantFixture
{
    [OneTimeSetUp]
    public async Task CountHeartbeatWritesAsync()
    {
        await ScalarAsync<object>("""
            CREATE TABLE heartbeat_writes (n bigint GENERATED ALWAYS AS IDENTITY, id uuid NOT NULL, details jsonb);
            CREATE FUNCTION record_heartbeat() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.heartbeat_at IS DISTINCT FROM OLD.heartbeat_at THEN
                    INSERT INTO heartbeat_writes (id, details) VALUES (NEW.id, NEW.heartbeat_details);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER executions_heartbeat AFTER UPDATE ON currant.executions FOR EACH ROW EXECUTE FUNCTION record_heartbeat();
            SELECT 1;
            """);
    }

    [Test]
    public async Task ManyHeartbeats_AreThrottled_AndTheRetryReadsTheLastDetails()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await BeatThenFail.Options(queue: queue, client: Client).Queue(key, 500);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(500), "the retry read the last of 500 heartbeats");
        var writes = await ScalarAsync<string[]>("SELECT array_agg(details::text ORDER BY n) FROM heartbeat_writes WHERE id = @id", ("id", handle.Id));
        Assert.That(writes, Is.EqualTo(new[] { "1", "500" }), "the first beat at once, the rest held back by the 30 s throttle and written once when the attempt failed");
        var info = (await Client.GetExecutionAsync(handle.Id))!;
        Assert.That(info.HeartbeatDetails, Is.EqualTo("500"));
        Assert.That(info.HeartbeatAt, Is.Not.Null);
    }

    [Test]
    public async Task AttemptThatStopsHeartbeating_IsTimedOutByItsWorker_AndRetriedFromTheLastDetails()
    {
        var queue = NewQueue();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await GoesSilent.Options(queue: queue, client: Client).Queue(key, false);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("attempt 2 resumed at 3 (page-3)"));
        var events = Probe.Of(key);
        var lastBeat = events.Last(e => e.Note == "beat").At;
        var resumed = events.Single(e => e.Note == "resumed").At;
        Assert.That((resumed - lastBeat).TotalSeconds, Is.InRange(0.9, 5), "timed out about 1 s after the last beat");
        var info = (await Client.GetExecutionAsync(handle.Id))!;
        Assert.That(info.Error!.Type, Is.EqualTo("System.TimeoutException"));
        Assert.That(info.Error.Message, Does.Contain("sent no heartbeat"));
        Assert.That(info.HeartbeatTimeout, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task StuckAttemptThatIgnoresItsToken_IsTimedOutByTheSweep_AndRetriedWhileItStillRuns()
    {
        var queue = NewQueue();
        var key = NewKey();
        // The sweep runs about every heartbeat interval.
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });

        var handle = await GoesSilent.Options(queue: queue, client: Client).Queue(key, true);
        try
        {
            Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("attempt 2 resumed at 3 (page-3)"));
            Assert.That(Probe.Of(key).Any(e => e.Note == "stuck attempt returned"), Is.False, "the first attempt is still stuck: only the sweep can have retried it");
            var info = (await Client.GetExecutionAsync(handle.Id))!;
            Assert.That((info.State, info.Attempt), Is.EqualTo((ExecutionState.Completed, 2)));
        }
        finally
        {
            GoesSilent.Release.GetOrAdd(key, _ => new()).TrySetResult();
        }

        // The stuck attempt's late outcome is fenced out: the retry's result stays.
        await worker.StopAsync();
        Assert.That(Probe.Of(key).Any(e => e.Note == "stuck attempt returned"), Is.True);
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("attempt 2 resumed at 3 (page-3)"));
    }

    [Test]
    public async Task HugeHeartbeatTimeout_IsClampedForTheWatchdog_AndTheJobRuns()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await BeatWith.Options(queue: queue, client: Client, heartbeatTimeout: TimeSpan.FromDays(100)).Queue("fine", false);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("beat: fine"));
    }

    [Test]
    public async Task HeartbeatDetailsWithANul_AreRefusedWithAClearError()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await BeatWith.Options(queue: queue, client: Client).Queue("ab", true);

        Assert.That(await handle.GetResultAsync(Wait), Does.StartWith("refused: ").And.Contain("U+0000"));
    }

    [Test]
    public void Execution_OutsideAJobOrActivity_ThrowsAndSaysWhere()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Execution.Heartbeat(1));

        Assert.That(error!.Message, Does.Contain("can only be used while a worker runs a [Job] or [Activity]"));
    }

    [Test]
    public async Task Execution_InWorkflowCode_FailsTheWorkflowWithAClearError()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await HeartbeatingWorkflow.Options(queue: queue, client: Client).Queue();

        var error = await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(error!.Error.Message, Does.Contain("not valid in workflow code"));
    }

    [Test]
    public async Task ActivityInsideTheActivation_HeartbeatsInMemory_AndItsRetryRowCarriesTheDetails()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await BeatingFlow.Options(queue: queue, client: Client).Queue(NewKey());

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("attempt 2 resumed at 7"));
        var activity = (await Client.GetHistoryAsync(handle.Id)).Single();
        var info = (await Client.GetExecutionAsync(activity.ChildId!.Value))!;
        Assert.That(info.HeartbeatDetails, Does.Contain("\"Done\":7").Or.Contain("\"Done\": 7"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM heartbeat_writes WHERE id = @id", ("id", info.Id)), Is.Zero,
            "the first attempt ran inside the activation (no row to write to); its details came with the retry's row");
    }

    [Test]
    public async Task ActivitiesWithAHeartbeatTimeout_ScheduledTogether_EachKeepTheirTimeoutAndPolicy()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await TwoSilentSteps.Options(queue: queue, client: Client).Queue(NewKey());

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(new[] { "attempt 2 resumed at 42", "attempt 2 resumed at 42" }));
        Assert.That(await ScalarAsync<long>(
            "SELECT count(*) FROM currant.executions WHERE parent_id = @id AND heartbeat_timeout_ms = 1000 AND retry_policy = '{\"initialDelay\": 0}' AND attempt = 2",
            ("id", handle.Id)), Is.EqualTo(2));
    }

    [Test]
    public async Task ActivityWithAHeartbeatTimeout_GetsItsOwnRow_AndIsTimedOutAndRetriedFromItsDetails()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await SilentFlow.Options(queue: queue, client: Client).Queue(NewKey());

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("attempt 2 resumed at 42"));
        var activity = (await Client.GetHistoryAsync(handle.Id)).Single();
        var info = (await Client.GetExecutionAsync(activity.ChildId!.Value))!;
        Assert.That(info.Error!.Message, Does.Contain("sent no heartbeat"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM heartbeat_writes WHERE id = @id", ("id", info.Id)), Is.GreaterThanOrEqualTo(1),
            "its heartbeats went to its own row");
    }
}
