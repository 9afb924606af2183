namespace Currant.Tests.Interactive;

/// <summary>
/// <c>Workflow.WaitUntil(condition, timeout)</c> whose condition is met first cancels its timeout's timer in the same
/// commit: the timer never fires, and the workflow pays no activation for it.
/// </summary>
public sealed class WaitUntilTimerTests : CurrantFixture
{
    private const string Timers = "SELECT coalesce(string_agg(state, ',' ORDER BY id), '') FROM currant.executions WHERE parent_id = @id AND kind = 'timer' AND name = 'wait-until'";

    [Test]
    public async Task WaitUntil_MetBeforeItsTimeout_CancelsTheTimerWhichNeverCostsAnActivation()
    {
        var queue = NewQueue("wait");
        await using var worker = await StartWorkerAsync(queue);
        // The timeout (1 s) passes during the 2.5 s sleep that follows: a timer left pending would fire then.
        var h = await InteractiveWaitThenSleep.Options(queue: queue, client: Client).Queue(1000, 2500);
        await WaitForAsync(async () => await ScalarAsync<string>(Timers, ("id", h.Id)) == "pending");

        await h.Signals.Go();
        await WaitForAsync(async () => await ScalarAsync<string>(Timers, ("id", h.Id)) == "cancelled");

        // While it sleeps: a replay of its history (the cancelled step included) is deterministic.
        var report = await Currant.Testing.WorkflowReplayer.ReplayDatabaseAsync(ConnectionString, new Currant.Testing.ReplayFilter { Id = h.Id });
        Assert.That(report.Succeeded, Is.True, report.ToString());
        Assert.That(report.Workflows, Has.Count.EqualTo(1));

        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("met"));
        Assert.That(await ScalarAsync<string>(Timers, ("id", h.Id)), Is.EqualTo("cancelled"));
        Assert.That((await Client.GetExecutionAsync(h.Id))!.Activations, Is.EqualTo(3), "start, the signal, the sleep's timer: none for the WaitUntil timer");
        var step = (await Client.GetHistoryAsync(h.Id)).Single(r => r.Name == "wait-until");
        Assert.That(step.Error?.Message, Does.Contain("the WaitUntil condition was met before the timeout"));
    }

    [Test]
    public async Task WaitUntil_MetInTheActivationThatStartedIt_LeavesNoTimerToFire()
    {
        var queue = NewQueue("wait");
        var h = await InteractiveWaitThenSleep.Options(queue: queue, client: Client).Queue(1000, 2500);
        await h.Signals.Go();

        await using var worker = await StartWorkerAsync(queue);

        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("met"));
        Assert.That(await ScalarAsync<string>(Timers, ("id", h.Id)), Is.AnyOf("", "cancelled"), "no timer, or one cancelled in the commit that inserted it");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id AND name = 'wait-until' AND state = 'completed'", ("id", h.Id)),
            Is.Zero, "the timer never fired into the history");
    }

    [Test]
    public async Task WaitUntil_NotMetInTime_StillTimesOut()
    {
        var queue = NewQueue("wait");
        await using var worker = await StartWorkerAsync(queue);
        var h = await InteractiveWaitThenSleep.Options(queue: queue, client: Client).Queue(300, 10);

        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("timed out"));
        Assert.That(await ScalarAsync<string>(Timers, ("id", h.Id)), Is.EqualTo("completed"));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(25);
        }
    }
}
