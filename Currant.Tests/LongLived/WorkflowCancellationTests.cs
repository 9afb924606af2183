using Currant.CommandLine;
using Currant.Tests.Jobs;

namespace Currant.Tests.LongLived;

/// <summary>Workflow.CancellationToken (db/0008): a cancel request recorded in history, seen by the code, clean-up, then cancelled.</summary>
public sealed class WorkflowCancellationTests : CurrantFixture
{
    [Test]
    public async Task Cancel_OfAWorkflowThatReadsTheToken_RunsItsCleanUpThenEndsCancelled()
    {
        var queue = NewQueue("cancel");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await CleansUpOnCancel.Options(queue: queue, client: Client).Queue(key);
        await WaitForSuspendedAsync(handle.Id);

        Assert.That(await handle.CancelAsync(), Is.True);

        await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "start:work", "end:work", "start:cleanup", "end:cleanup", "released" }),
            "the clean-up activity and step ran once each, after the cancel");
        var info = await handle.GetStatusAsync();
        Assert.That(info.State, Is.EqualTo(ExecutionState.Cancelled));
        Assert.That(info.Error!.Message, Is.EqualTo("Cancelled on request."));

        var history = await Client.GetHistoryAsync(handle.Id);
        Assert.That(history.Select(h => (h.Kind, h.Name, h.State)), Is.EqualTo(new[]
        {
            ("activity", "Echo", "completed"), ("signal", "never", "scheduled"), ("activity", "Echo", "completed"), ("step", "release", "completed"),
            ("cancel", "cancel", "completed"),
        }), "the cancel request is a recorded event");
    }

    [Test]
    public async Task Cancel_ThatReachedTheCode_ReplaysAtTheSamePoint()
    {
        var queue = NewQueue("cancel");
        var key = NewKey();
        await using (var worker = await StartWorkerAsync(queue))
        {
            var handle = await CleansUpOnCancel.Options(queue: queue, client: Client).Queue(key);
            await WaitForSuspendedAsync(handle.Id);
            await handle.CancelAsync();
            await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await handle.GetResultAsync(Wait));

            var output = new StringWriter();
            Assert.That(await CurrantCommandLine.InvokeAsync(["history", handle.Id.ToString(), "--json", "-d", ConnectionString], output: output), Is.Zero);

            var report = await Currant.Testing.WorkflowReplayer.ReplayAsync(output.ToString());
            Assert.That(report.Succeeded, Is.True, report.ToString());
            Assert.That(report.Nondeterminism, Is.Null);
        }

        Assert.That(Probe.Of(key).Count(e => e.Note == "released"), Is.EqualTo(1), "the replay ran no step body");
    }

    [Test]
    public async Task Cancel_WhileAnActivationRuns_IsDeliveredWhenTheWorkflowWaitsAgain()
    {
        var queue = NewQueue("cancel");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await CancelledWhileRunning.Options(queue: queue, client: Client).Queue(key, 1500);
        await WaitForSuspendedAsync(handle.Id);
        await handle.SignalAsync("start", "go");
        await WaitUntilAsync(() => Probe.Of(key).Any(e => e.Note == "start:work"));

        Assert.That(await handle.CancelAsync(), Is.True);
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Running), "recorded, not ended");

        await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(Probe.Of(key).Select(e => e.Note), Is.EqualTo(new[] { "start:work", "end:work", "start:cleanup", "end:cleanup" }),
            "the running activity finished, then the clean-up ran");
    }

    [Test]
    public async Task Cancel_ASecondTime_EndsAWorkflowThatIgnoresTheFirst()
    {
        var queue = NewQueue("cancel");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await IgnoresCancel.Options(queue: queue, client: Client).Queue(key);
        await WaitForSuspendedAsync(handle.Id);

        Assert.That(await handle.CancelAsync(), Is.True);
        await WaitUntilAsync(() => Probe.Of(key).Any(e => e.Note == "ignored"));
        await WaitForSuspendedAsync(handle.Id);
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Suspended), "the code caught it and waits again");

        Assert.That(await handle.CancelAsync(), Is.True);

        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Cancelled), "the second request ends it at once");
        await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE parent_id = @id AND state = 'pending'", ("id", handle.Id)), Is.Zero,
            "its timers went with it");
    }

    [Test]
    public async Task Cancel_OfAWorkflowThatNeverReadsTheToken_EndsItAtOnceAsBefore()
    {
        var queue = NewQueue("cancel");
        var key = NewKey();
        var handle = await TagsItself.Options(queue: queue, client: Client).Queue(key, "o-1");

        Assert.That(await handle.CancelAsync(), Is.True);

        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Cancelled));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", handle.Id)), Is.Zero);
    }

    private async Task WaitForSuspendedAsync(Guid id)
        => await WaitUntilAsync(async () => (await Client.GetExecutionAsync(id))!.State == ExecutionState.Suspended
            && await ScalarAsync<bool>("SELECT handles_cancel FROM currant.executions WHERE id = @id", ("id", id)));

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
