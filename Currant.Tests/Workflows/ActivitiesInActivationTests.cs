using Currant.Tests.Jobs;

namespace Currant.Tests.Workflows;

/// <summary>
/// Activities a worker serves run inside their workflow's activation: one commit per step, no claim, no wake-up;
/// each activity's row is written once, finished, and a retry, a rescued workflow or a side-by-side call goes the
/// durable way.
/// </summary>
public sealed class ActivitiesInActivationTests : CurrantFixture
{
    [Test]
    public async Task FiveSequentialActivities_RunInTheFirstActivation_EachWrittenOnceFinished()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Chain.Options(queue: queue, client: Client).Queue(key, 5);
        var result = await handle.GetResultAsync(Wait);

        Assert.That(result.Outputs, Is.EqualTo(new[] { "STEP0", "STEP1", "STEP2", "STEP3", "STEP4" }));
        Assert.That((await handle.GetStatusAsync()).Activations, Is.EqualTo(1), "no activity woke the workflow: it never left its first activation");
        Assert.That(worker.FusedSteps, Is.Zero);
        Assert.That(Probe.Count(key), Is.EqualTo(10), "each activity ran once");
        var history = await Client.GetHistoryAsync(handle.Id);
        Assert.That(history.Select(h => (h.Kind, h.State, h.ChildState, h.ChildAttempts)), Is.All.EqualTo(("activity", "completed", "completed", (int?)1)));
        Assert.That(await ScalarAsync<long>(
            "SELECT count(*) FROM currant.executions WHERE parent_id = @id AND kind = 'activity' AND state = 'completed' AND attempt = 1 AND result IS NOT NULL AND started_at <= completed_at",
            ("id", handle.Id)), Is.EqualTo(5));
    }

    [Test]
    public async Task ActivityFailingWithAttemptsLeft_IsRetriedAsItsOwnRow_WithTheFirstAttemptCounted()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await RetriedInside.Options(queue: queue, client: Client).Queue(key);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("ok on 2"));
        var activity = (await Client.GetHistoryAsync(handle.Id)).Single();
        Assert.That((activity.State, activity.ChildState, activity.ChildAttempts), Is.EqualTo(("completed", "completed", (int?)2)), "the attempt run inside the activation counts");
        var info = await Client.GetExecutionAsync(activity.ChildId!.Value);
        Assert.That(info!.Error?.Message, Does.Contain("first attempt fails"), "the first attempt's error is kept on the row");
        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "attempt", "attempt" }));
    }

    [Test]
    public async Task RescuedWorkflow_RunsItsNextActivityAsItsOwnRow_ThenInsideAgain()
    {
        // A workflow handed back by the rescuer (its worker died mid-activation, perhaps killed by the activity):
        // its next activity spends attempts on its own row, so an activity that kills its worker cannot loop forever.
        var queue = NewQueue("wf");
        var key = NewKey();
        var handle = await Chain.Options(queue: queue, client: Client).Queue(key, 2);
        await ScalarAsync<int>(
            "UPDATE currant.executions SET error = jsonb_build_object('type', 'Currant.WorkerLostException', 'message', 'lost', 'nonRetryable', false) WHERE id = @id RETURNING 1",
            ("id", handle.Id));

        await using var worker = await StartWorkerAsync(queue);
        var result = await handle.GetResultAsync(Wait);

        Assert.That(result.Outputs, Is.EqualTo(new[] { "STEP0", "STEP1" }));
        Assert.That(worker.FusedSteps, Is.EqualTo(1), "the first activity ran as its own row and its outcome was fused; the second ran inside");
        Assert.That((await handle.GetStatusAsync()).Activations, Is.EqualTo(2));
        Assert.That(Probe.Count(key), Is.EqualTo(4), "each activity ran once");
    }

    [Test]
    public async Task SideBySideActivities_RunAtOnce_OneInsideAndTheOthersAsRows()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue, concurrency: 4);

        var handle = await FanOut.Options(queue: queue, client: Client).Queue(key, 3, 400);
        var started = DateTimeOffset.UtcNow;
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(new[] { "P0", "P1", "P2" }));

        var starts = Probe.Of(key).Where(e => e.Note.StartsWith("start:", StringComparison.Ordinal)).Select(e => e.At).ToArray();
        Assert.That(starts, Has.Length.EqualTo(3));
        Assert.That(starts.Max() - starts.Min(), Is.LessThan(TimeSpan.FromMilliseconds(350)), "the calls made side by side ran side by side");
        Assert.That(DateTimeOffset.UtcNow - started, Is.LessThan(TimeSpan.FromMilliseconds(400 * 3)));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE parent_id = @id AND state = 'completed'", ("id", handle.Id)), Is.EqualTo(3));
    }
}

/// <summary>Fails on its first attempt, succeeds on the next.</summary>
[Activity(Retries = 2)]
public partial class FailsFirstAttempt
{
    public Task<string> ExecuteAsync(string key, CancellationToken ct)
    {
        Probe.Record(key, "attempt");
        var attempt = Probe.Count(key);
        return attempt == 1 ? throw new InvalidOperationException("first attempt fails") : Task.FromResult($"ok on {attempt}");
    }
}

[Workflow(Queue = "wf")]
public partial class RetriedInside
{
    public async Task<string> RunAsync(string key) => await FailsFirstAttempt.Run(key);
}
