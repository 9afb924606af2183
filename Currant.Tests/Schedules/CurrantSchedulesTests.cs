using Currant.Tests.Jobs;

namespace Currant.Tests.Schedules;

/// <summary>
/// Schedules against a real Postgres and in-process workers: the generated <c>Schedule</c>, <c>client.Schedules</c>,
/// the overlap and catch-up policies, and <c>[Schedule]</c> attributes kept in step with the code.
/// </summary>
public sealed class CurrantSchedulesTests : CurrantFixture
{
    private const string EverySecond = "* * * * * *";

    private Task<long> RunsAsync(string schedule)
        => ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key LIKE @p", ("p", $"schedule:{schedule}:%"));

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Wait);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    [Test]
    public async Task Schedule_Generated_StoresTheScheduleAndEachFireTimeRunsWithItsArguments()
    {
        var queue = NewQueue("sched");
        var name = "digest-" + NewKey();
        var key = NewKey();

        var info = await ScheduledRecord.Options(queue: queue, client: Client).Schedule(name, EverySecond, key);

        Assert.That(info.Name, Is.EqualTo(name));
        Assert.That(info.Target, Is.EqualTo("ScheduledRecord"));
        Assert.That(info.Queue, Is.EqualTo(queue));
        Assert.That(info.ArgumentsJson, Does.Contain(key));
        Assert.That(info.Spec, Is.EqualTo(new ScheduleSpec(EverySecond)));
        Assert.That(info.FromAttribute, Is.False);
        Assert.That(info.NextRunAt, Is.Not.Null);
        Assert.That(Probe.Count(key), Is.Zero, "storing a schedule runs nothing");

        await using var worker = await StartWorkerAsync(queue);
        await WaitForAsync(() => Task.FromResult(Probe.Count(key) >= 2), "two scheduled runs");
        await Client.Schedules.DeleteAsync(name);
    }

    [Test]
    public async Task ScheduledRuns_AreInsertedLikeAnyEnqueue_AndTheirRetryPolicyAndHeartbeatTimeoutAreHonoured()
    {
        var queue = NewQueue("sched");
        var name = "silent-" + NewKey();
        var key = NewKey();
        var tags = new Dictionary<string, string> { ["source"] = "schedule" };
        await GoesSilent.Options(queue: queue, client: Client, tags: tags).Schedule(name, EverySecond, key, false);
        // The same enqueue made directly, on a queue no worker serves: the row every scheduled run must match.
        var direct = await GoesSilent.Options(queue: NewQueue("nowhere"), client: Client, tags: tags).Queue(key, false);
        const string columns = "SELECT concat_ws('|', max_attempts, timeout_ms, retry_policy::text, heartbeat_timeout_ms, tags::text) FROM currant.executions WHERE id = @id";
        var expected = await ScalarAsync<string>(columns, ("id", direct.Id));
        Assert.That(expected, Does.Contain("|1000|"), "GoesSilent's HeartbeatTimeout = 1 is stored");

        await using var worker = await StartWorkerAsync(queue);
        await WaitForAsync(async () => await RunsAsync(name) >= 1, "a fired run");
        await Client.Schedules.PauseAsync(name);
        var fired = await ScalarAsync<Guid>("SELECT id FROM currant.executions WHERE idempotency_key LIKE @p ORDER BY id LIMIT 1", ("p", $"schedule:{name}:%"));
        var triggered = await Client.Schedules.TriggerAsync(name);

        Assert.That(await ScalarAsync<string>(columns, ("id", fired)), Is.EqualTo(expected), "a fire time's run");
        Assert.That(await ScalarAsync<string>(columns, ("id", triggered)), Is.EqualTo(expected), "a triggered run");
        // The first attempt goes silent after three heartbeats: the 1 s heartbeat timeout ends it and the retry
        // (RetryDelay = 0) resumes from the last details. Without the timeout the attempt would wait forever.
        var done = await Client.WaitForCompletionAsync(fired, Wait);
        Assert.That(done.State, Is.EqualTo(ExecutionState.Completed));
        Assert.That(done.Result, Is.EqualTo("\"attempt 2 resumed at 3 (page-3)\""));
        await Client.Schedules.DeleteAsync(name);
    }

    [Test]
    public async Task Schedule_InvalidCronOrTimeZone_ThrowsAndStoresNothing()
    {
        var name = "bad-" + NewKey();

        var cron = await Assert.ThrowsAsync<ArgumentException>(() => ScheduledRecord.Options(client: Client).Schedule(name, "0 25 * * *", "k"));
        var zone = await Assert.ThrowsAsync<ArgumentException>(() => ScheduledRecord.Options(client: Client).Schedule(name, new ScheduleSpec("0 3 * * *") { TimeZone = "Mars/Olympus" }, "k"));
        var option = await Assert.ThrowsAsync<ArgumentException>(() => ScheduledRecord.Options(idempotencyKey: "x", client: Client).Schedule(name, "0 3 * * *", "k"));

        Assert.That(cron!.Message, Does.Contain("'0 25 * * *' is not a valid cron expression"));
        Assert.That(zone!.Message, Does.Contain("'Mars/Olympus' is not a time zone"));
        Assert.That(option!.Message, Does.Contain("idempotencyKey"));
        Assert.That(await Client.Schedules.GetAsync(name), Is.Null);
    }

    [Test]
    public async Task Upsert_SameExpression_KeepsTheNextFireTimeAndThePause()
    {
        var name = "upsert-" + NewKey();
        var first = await ScheduledRecord.Options(queue: NewQueue("sched"), client: Client).Schedule(name, "0 3 * * *", "a");
        Assert.That(await Client.Schedules.PauseAsync(name), Is.True);

        var again = await ScheduledRecord.Options(queue: first.Queue, client: Client).Schedule(name, "0 3 * * *", "b");
        var changed = await ScheduledRecord.Options(queue: first.Queue, client: Client).Schedule(name, new ScheduleSpec("0 3 * * *") { TimeZone = "Europe/Berlin" }, "b");

        Assert.That(again.NextRunAt, Is.EqualTo(first.NextRunAt));
        Assert.That(again.ArgumentsJson, Does.Contain("\"b\""));
        Assert.That(again.Paused, Is.True, "an operator's pause survives an upsert");
        Assert.That(changed.NextRunAt, Is.Not.EqualTo(first.NextRunAt), "a new time zone moves the next fire time");
        Assert.That(changed.NextRunAt!.Value.UtcDateTime.Hour, Is.AnyOf(1, 2), "03:00 in Berlin");
    }

    [Test]
    public async Task PauseResumeTriggerDelete_ThroughTheClient_DoWhatTheySay()
    {
        var queue = NewQueue("sched");
        var name = "ops-" + NewKey();
        var key = NewKey();
        await ScheduledRecord.Options(queue: queue, client: Client).Schedule(name, EverySecond, key);
        Assert.That(await Client.Schedules.PauseAsync(name), Is.True);
        await using var worker = await StartWorkerAsync(queue);

        await Task.Delay(1500);
        Assert.That(await RunsAsync(name), Is.Zero, "paused: no fire time enqueues");

        var triggered = await Client.Schedules.TriggerAsync(name);
        var info = await Client.GetExecutionAsync(triggered);
        Assert.That(info!.Name, Is.EqualTo("ScheduledRecord"));
        await Client.WaitForCompletionAsync(triggered, Wait);
        Assert.That(Probe.Count(key), Is.EqualTo(1), "a trigger runs once even while paused");

        Assert.That(await Client.Schedules.ResumeAsync(name), Is.True);
        await WaitForAsync(async () => await RunsAsync(name) >= 2, "runs after resume");
        var resumed = await Client.Schedules.GetAsync(name);
        Assert.That(resumed!.Paused, Is.False);

        Assert.That(await Client.Schedules.DeleteAsync(name), Is.True);
        var afterDelete = await RunsAsync(name);
        await Task.Delay(1500);
        Assert.That(await RunsAsync(name), Is.EqualTo(afterDelete), "deleted: nothing more enqueues");
        Assert.That(await Client.Schedules.GetAsync(name), Is.Null);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE id = @id", ("id", triggered)), Is.EqualTo(1), "its runs stay");
    }

    [Test]
    public async Task Operations_OnAnUnknownName_SayNoSuchSchedule()
    {
        Assert.That(await Client.Schedules.PauseAsync("nope"), Is.False);
        Assert.That(await Client.Schedules.ResumeAsync("nope"), Is.False);
        Assert.That(await Client.Schedules.DeleteAsync("nope"), Is.False);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.Schedules.TriggerAsync("nope"));
        Assert.That(ex!.Message, Is.EqualTo("No schedule is named 'nope'."));
    }

    [Test]
    public async Task Skip_WhileARunHoldsOn_EnqueuesNothingMoreUntilItEnds()
    {
        var queue = NewQueue("sched");
        var name = "skip-" + NewKey();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        await HeldRun.Options(queue: queue, client: Client).Schedule(name, new ScheduleSpec(EverySecond) { Overlap = ScheduleOverlap.Skip }, key);

        await WaitForAsync(() => Task.FromResult(Probe.Count(key) == 1), "the first run to start");
        await Task.Delay(2500);
        Assert.That(await RunsAsync(name), Is.EqualTo(1), "fire times while the run holds on are skipped");

        HeldRun.Gate(key).SetResult();
        await WaitForAsync(async () => await RunsAsync(name) >= 2, "a run after the first ended");
        await Client.Schedules.DeleteAsync(name);
    }

    [Test]
    public async Task BufferOne_WhileARunHoldsOn_HoldsOneFireTimeAndEnqueuesItWhenTheRunEnds()
    {
        var queue = NewQueue("sched");
        var name = "buffer-" + NewKey();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        await HeldRun.Options(queue: queue, client: Client).Schedule(name, new ScheduleSpec(EverySecond) { Overlap = ScheduleOverlap.BufferOne }, key);

        await WaitForAsync(() => Task.FromResult(Probe.Count(key) == 1), "the first run to start");
        await Task.Delay(2500);
        Assert.That(await RunsAsync(name), Is.EqualTo(1));
        var held = await Client.Schedules.GetAsync(name);
        Assert.That(held!.BufferedAt, Is.Not.Null, "one fire time is held");

        HeldRun.Gate(key).SetResult();
        var heldKey = $"schedule:{name}:{held.BufferedAt!.Value.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}";
        await WaitForAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key = @k", ("k", heldKey)) == 1,
            "the held fire time to enqueue once the run ended");
        await Client.Schedules.DeleteAsync(name);
    }

    [Test]
    public async Task Allow_WhileARunHoldsOn_EnqueuesEveryFireTime()
    {
        var queue = NewQueue("sched");
        var name = "allow-" + NewKey();
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        await HeldRun.Options(queue: queue, client: Client).Schedule(name, new ScheduleSpec(EverySecond) { Overlap = ScheduleOverlap.Allow }, key);

        await WaitForAsync(() => Task.FromResult(Probe.Count(key) >= 3), "three runs at once");

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND state = 'running'", ("q", queue)), Is.GreaterThanOrEqualTo(3));
        await Client.Schedules.DeleteAsync(name);
        HeldRun.Gate(key).SetResult();
    }

    [Test]
    public async Task CatchUpLatest_AfterTenSecondsWithoutWorkers_EnqueuesOnlyTheNewestMissedFireTime()
    {
        var queue = NewQueue("sched");
        var name = "latest-" + NewKey();
        await ScheduledRecord.Options(queue: queue, client: Client).Schedule(name, EverySecond, NewKey());
        // Ten seconds of downtime, as the database saw it.
        await ScalarAsync<int>("UPDATE currant.schedules SET next_run_at = date_trunc('second', now()) - interval '10 seconds' WHERE name = @n RETURNING 1", ("n", name));

        await using (var worker = await StartWorkerAsync(queue))
        {
            await WaitForAsync(async () => await RunsAsync(name) >= 1, "the catch-up run");
            await Client.Schedules.PauseAsync(name);
        }

        var runs = await RunsAsync(name);
        Assert.That(runs, Is.InRange(1, 3), "one catch-up run (plus at most the fire times since, before the pause)");
        var oldest = await ScalarAsync<DateTime>("SELECT min(created_at) FROM currant.executions WHERE idempotency_key LIKE @p", ("p", $"schedule:{name}:%"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key LIKE @p AND created_at = @t", ("p", $"schedule:{name}:%"), ("t", oldest)),
            Is.EqualTo(1), "the first pass enqueued a single run for the ten missed seconds");
    }

    [Test]
    public async Task CatchUpAll_AfterTenSecondsWithoutWorkers_EnqueuesEachMissedFireTimeWithinTheWindow()
    {
        var queue = NewQueue("sched");
        var name = "all-" + NewKey();
        var spec = new ScheduleSpec(EverySecond) { CatchUp = ScheduleCatchUp.All, CatchUpWindow = TimeSpan.FromSeconds(5.5), Overlap = ScheduleOverlap.Allow };
        await ScheduledRecord.Options(queue: queue, client: Client).Schedule(name, spec, NewKey());
        await ScalarAsync<int>("UPDATE currant.schedules SET next_run_at = date_trunc('second', now()) - interval '10 seconds' WHERE name = @n RETURNING 1", ("n", name));

        await using (var worker = await StartWorkerAsync(queue))
        {
            await WaitForAsync(async () => await RunsAsync(name) >= 5, "the catch-up runs");
            await Client.Schedules.PauseAsync(name);
        }

        var oldest = await ScalarAsync<DateTime>("SELECT min(created_at) FROM currant.executions WHERE idempotency_key LIKE @p", ("p", $"schedule:{name}:%"));
        var firstPass = await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key LIKE @p AND created_at = @t", ("p", $"schedule:{name}:%"), ("t", oldest));
        Assert.That(firstPass, Is.InRange(5, 7), "the first pass enqueued the fire times of the last 5.5 seconds, not all ten");
    }

    [Test]
    public async Task ScheduleAttribute_WorkerStart_CreatesItAndDeletesAttributeSchedulesNoLongerDeclared()
    {
        const string queue = "sched-attribute";
        // An attribute schedule whose class lost its [Schedule] (or was deleted), and one made through the API.
        await ScalarAsync<int>("""
            INSERT INTO currant.schedules (name, target, kind, queue, cron, source) VALUES
                ('Removed', 'Removed', 'job', 'sched-attribute', '0 3 * * *', 'attribute'),
                ('ByApi', 'ScheduledRecord', 'job', 'sched-attribute', '0 3 * * *', 'api');
            SELECT 1
            """);

        await using (var worker = await StartWorkerAsync(queue))
        {
            var info = await Client.Schedules.GetAsync("AttributeTick");
            Assert.That(info, Is.Not.Null);
            Assert.That(info!.FromAttribute, Is.True);
            Assert.That(info.Spec, Is.EqualTo(new ScheduleSpec("*/2 * * * * *")
            {
                TimeZone = "Europe/Berlin", Overlap = ScheduleOverlap.BufferOne, CatchUp = ScheduleCatchUp.All, CatchUpWindow = TimeSpan.FromSeconds(60),
            }));
            Assert.That(await Client.Schedules.GetAsync("Removed"), Is.Null, "undeclared attribute schedule deleted");
            Assert.That(await Client.Schedules.GetAsync("ByApi"), Is.Not.Null, "API schedules are never touched");
            await WaitForAsync(async () => await RunsAsync("AttributeTick") >= 1, "an attribute run");
        }

        await Client.Schedules.DeleteAsync("AttributeTick");
        await Client.Schedules.DeleteAsync("ByApi");
    }

    [TestCase("0 25 * * *", "UTC", false, "'0 25 * * *' is not a valid cron expression")]
    [TestCase("0 3 * * *", "Mars/Olympus", false, "'Mars/Olympus' is not a time zone")]
    [TestCase("0 3 * * *", "UTC", true, "needs a method without parameters")]
    public async Task Declare_AScheduleThatCannotWork_FailsNamingTheClassAndStoresNothing(string cron, string zone, bool withParameters, string problem)
    {
        // What the analyzers stop at compile time (CUR2050-CUR2052), as a stale build could still register it. Not
        // put in the process-wide registry: every later worker of the test run would see it.
        var queue = NewQueue("sched-bad");
        var name = "Broken" + NewKey();
        var definition = new ExecutionDefinition
        {
            Name = name,
            Kind = ExecutionKind.Job,
            Queue = queue,
            ParameterNames = withParameters ? ["email"] : [],
            Schedule = new ScheduleSpec(cron) { TimeZone = zone },
            Invoke = _ => ValueTask.FromResult<byte[]?>(null),
        };
        using var scheduler = new Currant.Maintenance.Scheduler(Client.Store, [queue], new WorkerOptions { Queues = [queue] }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.DeclareAsync(Client, [ScheduledRecord.CurrantDefinition, definition], CancellationToken.None));

        Assert.That(ex!.Message, Does.StartWith($"[Schedule] on '{name}'").And.Contain(problem));
        Assert.That(await Client.Schedules.GetAsync(name), Is.Null);
    }
}
