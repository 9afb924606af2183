using Currant.Tests.Jobs;
using Currant.Tests.Workflows;

namespace Currant.Tests.Worker;

/// <summary>
/// DESIGN.md §3, "Timers are on time": a worker wakes itself at the next due time it knows of, without polling
/// faster. Every worker here polls once a minute, so anything that finishes within the (generous) waits below was
/// woken by its due time: by the next-due query of a claim, by a currant_due NOTIFY, or by the worker's own write.
/// How close to the due time is measured by <c>currant bench --timers</c>, not asserted here.
/// </summary>
public sealed class TimersOnTimeTests : CurrantFixture
{
    private static readonly TimeSpan WellBeforeThePoll = TimeSpan.FromSeconds(15);

    private static WorkerOptions PollOncePerMinute(WorkerOptions options) => options with { PollInterval = TimeSpan.FromMinutes(1) };

    [Test]
    public async Task DelayedJob_QueuedByAnotherClientWhileTheWorkerIdles_RunsWhenDueNotAtThePoll()
    {
        var queue = NewQueue();
        await using var workerClient = await CurrantClient.ConnectAsync(ConnectionString);
        await using var worker = await workerClient.StartWorkerAsync(PollOncePerMinute(new WorkerOptions { Queues = [queue] }));
        // A job due now runs first: the worker has claimed, found its queue drained and sleeps until told otherwise.
        await (await Greet.Options(queue: queue, client: Client).Queue("first")).GetResultAsync(Wait);

        var handle = await Greet.Options(queue: queue, delay: TimeSpan.FromMilliseconds(300), client: Client).Queue("later");

        Assert.That((await handle.GetResultAsync(WellBeforeThePoll)).Text, Is.EqualTo("Hello, later!"));
        await AssertStartedNotBeforeDueAsync(handle);
    }

    [Test]
    public async Task DelayedJobs_QueuedInBulkWhileTheWorkerIdles_RunWhenDueNotAtThePoll()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue, configure: PollOncePerMinute);
        await (await Greet.Options(queue: queue, client: Client).Queue("first")).GetResultAsync(Wait);

        var handles = await Greet.Options(queue: queue, delay: TimeSpan.FromMilliseconds(300), client: Client).QueueMany(["a", "b", "c"]);

        foreach (var handle in handles)
        {
            await handle.GetResultAsync(WellBeforeThePoll);
            await AssertStartedNotBeforeDueAsync(handle);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task DelayedJob_QueuedBeforeTheWorkerStarted_IsFoundByTheWorkersFirstClaim(bool pollOnly)
    {
        var queue = NewQueue();
        // Its NOTIFY went out before anyone listened (and a poll-only worker never listens): only the next-due query
        // that comes with the worker's first claim can tell it. The delay outlasts the worker's start-up.
        var handle = await Greet.Options(queue: queue, delay: TimeSpan.FromSeconds(3), client: Client).Queue("waiting");

        await using var worker = await StartWorkerAsync(queue, configure: o => PollOncePerMinute(o) with { PollOnly = pollOnly });

        await handle.GetResultAsync(WellBeforeThePoll);
        await AssertStartedNotBeforeDueAsync(handle);
    }

    [Test]
    public async Task Retry_OnAPollOnlyWorker_RunsAfterItsBackoffNotAtThePoll()
    {
        var queue = NewQueue();
        var key = NewKey();
        // Queued first, so the poll-only worker's first claim takes it. No NOTIFY reaches that worker: only its own
        // write of the retry can arm its alarm.
        var handle = await Flaky.Options(queue: queue, client: Client).Queue(key, 1);

        await using var worker = await StartWorkerAsync(queue, configure: o => PollOncePerMinute(o) with
        {
            PollOnly = true,
            RetryBaseDelay = TimeSpan.FromMilliseconds(300),
            RetryMaxDelay = TimeSpan.FromMilliseconds(300),
        });

        Assert.That(await handle.GetResultAsync(WellBeforeThePoll), Is.EqualTo(2));
        var attempts = Probe.Of(key);
        Assert.That(attempts[1].At - attempts[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200)), "the backoff (300 ms ± 25 %) was kept");
    }

    [Test]
    public async Task WorkflowSleep_WithAPollOfAMinute_EndsSoonAfterItsTimer()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue, configure: PollOncePerMinute);

        var handle = await Sleepy.Options(queue: queue, client: Client).Queue(key, 0.5);

        Assert.That(await handle.GetResultAsync(WellBeforeThePoll), Is.EqualTo("rested"));
        var timer = (await Client.GetHistoryAsync(handle.Id)).Single(h => h.Kind == "timer");
        Assert.That(timer.CompletedAt - timer.CreatedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450)), "the timer did not end early");
    }

    [Test]
    public async Task WorkflowSleep_TellsListeningWorkersWhenItsTimerIsDue()
    {
        var queue = NewQueue("wf");
        await using var listener = await DueListener.StartAsync(ConnectionString);
        await using var worker = await StartWorkerAsync(queue);

        await Sleepy.Options(queue: queue, client: Client).Queue(NewKey(), 20.0);

        // Another worker of the queue learns of the timer from the commit that created it.
        var announced = await listener.WaitForAsync(queue);
        Assert.That(announced[0], Is.GreaterThan(TimeSpan.FromSeconds(10)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(20)));
    }

    private async Task AssertStartedNotBeforeDueAsync(ExecutionHandle handle)
    {
        var info = await handle.GetStatusAsync();
        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed));
        Assert.That(info.StartedAt, Is.GreaterThanOrEqualTo(info.ScheduledAt), "a delayed job never starts before it is due");
    }
}
