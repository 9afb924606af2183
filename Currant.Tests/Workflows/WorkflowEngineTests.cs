using Currant.Tests.Jobs;
using Currant.Tests.Worker;

namespace Currant.Tests.Workflows;

public sealed class WorkflowEngineTests : CurrantFixture
{
    private static int Ends(string key, string text) => Probe.Of(key).Count(e => e.Note == $"end:{text}");

    private async Task<ExecutionInfo> WaitForStateAsync(Guid id, Func<ExecutionInfo, bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var info = (await Client.GetExecutionAsync(id))!;
            if (condition(info))
            {
                return info;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Execution {id} stayed {info.State} ({info.Error?.Message})");
            }

            await Task.Delay(20);
        }
    }

    private async Task<IReadOnlyList<HistoryRow>> WaitForHistoryAsync(Guid id, Func<IReadOnlyList<HistoryRow>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var history = await Client.GetHistoryAsync(id);
            if (condition(history))
            {
                return history;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"History of {id} never matched: {string.Join(", ", history.Select(h => $"{h.Seq}:{h.Kind}:{h.Name}:{h.State}"))}");
            }

            await Task.Delay(20);
        }
    }

    [Test]
    public async Task Workflow_WithSequentialActivities_CompletesWithTheirResults()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Chain.Options(queue: queue, client: Client).Queue(key, 3);
        var result = await handle.GetResultAsync(Wait);

        Assert.That(result.Outputs, Is.EqualTo(new[] { "STEP0", "STEP1", "STEP2" }));
        Assert.That(Probe.Of(key).Count(e => e.Note.StartsWith("end:", StringComparison.Ordinal)), Is.EqualTo(3));
        var history = await Client.GetHistoryAsync(handle.Id);
        Assert.That(history.Where(h => h.Kind == "activity").Select(h => h.State), Is.EqualTo(new[] { "completed", "completed", "completed" }));
    }

    [Test]
    public async Task Replay_OnAFreshWorker_ReturnsRecordedResultsWithoutRerunningActivities()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        ExecutionHandle<string> handle;
        await using (await StartWorkerAsync(queue))
        {
            handle = await Versioned.Options(queue: queue, client: Client).Queue(key);
            await WaitForHistoryAsync(handle.Id, h => h.Any(r => r.Kind == "signal"));
        }

        // A new worker has no instance in memory: the signal makes it replay the whole history.
        await using (await StartWorkerAsync(queue))
        {
            await handle.SignalAsync("go", "now");
            Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("v1-path"));
        }

        Assert.That(Ends(key, "one"), Is.EqualTo(1));
        Assert.That(Ends(key, "two"), Is.EqualTo(1));
    }

    [Test]
    public async Task Parallel_ActivitiesInWhenAll_RunAtTheSameTime()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue, concurrency: 8);

        var handle = await FanOut.Options(queue: queue, client: Client).Queue(key, 4, 400);
        var result = await handle.GetResultAsync(Wait);

        Assert.That(result, Is.EqualTo(new[] { "P0", "P1", "P2", "P3" }));
        var running = 0;
        var most = 0;
        foreach (var e in Probe.Of(key).OrderBy(e => e.At))
        {
            running += e.Note.StartsWith("start:", StringComparison.Ordinal) ? 1 : -1;
            most = Math.Max(most, running);
        }

        Assert.That(most, Is.GreaterThanOrEqualTo(3), "the four 400 ms activities overlapped");
    }

    [Test]
    public async Task Signal_SentBeforeTheWorkflowWaits_IsNotLost()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        var handle = await Approval.Options(queue: queue, client: Client).Queue(key, 30);
        await handle.SignalAsync("decision", "yes");

        await using var worker = await StartWorkerAsync(queue);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("decided:yes"));
    }

    [Test]
    public async Task Signal_SentWhileTheWorkflowWaits_WakesIt()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Approval.Options(queue: queue, client: Client).Queue(key, 30);
        await WaitForHistoryAsync(handle.Id, h => h.Any(r => r.Kind == "signal"));
        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Suspended), "no worker is held while waiting");

        await handle.SignalAsync("decision", "no");

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("decided:no"));
    }

    [Test]
    public async Task Signal_ThatNeverArrives_EndsTheWaitWithTimeoutException()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Approval.Options(queue: queue, client: Client).Queue(NewKey(), 0.5);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("timed out"));
    }

    [Test]
    public async Task Signal_TwoOfTheSameName_AreEachConsumedOnceInOrder()
    {
        var queue = NewQueue("wf");
        var handle = await TwoSignals.Options(queue: queue, client: Client).Queue();
        await handle.SignalAsync("number", 1);
        await handle.SignalAsync("number", 2);

        await using var worker = await StartWorkerAsync(queue);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("1,2"));
    }

    [Test]
    public async Task Signal_ToAFinishedWorkflow_IsRefusedWithAClearError()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await Chain.Options(queue: queue, client: Client).Queue(NewKey(), 1);
        await handle.GetResultAsync(Wait);

        var finished = (await Assert.ThrowsAsync<InvalidOperationException>(async () => await handle.SignalAsync("late", 1)))!;
        var unknown = (await Assert.ThrowsAsync<InvalidOperationException>(async () => await Client.SendSignalAsync(Guid.NewGuid(), "x", 1)))!;

        Assert.That(finished.Message, Does.Contain("has already finished (completed)").And.Contain("not stored"));
        Assert.That(unknown.Message, Does.Contain("No workflow with id"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id", ("id", handle.Id)), Is.Zero);
    }

    [Test]
    public async Task GetVersion_OnAnOldHistory_KeepsTheOldPathAndOnANewOneTakesTheNew()
    {
        var queue = NewQueue("wf");
        var oldKey = NewKey();
        var newKey = NewKey();
        Versioned.CodeVersion = 1;
        try
        {
            ExecutionHandle<string> old;
            await using (await StartWorkerAsync(queue))
            {
                old = await Versioned.Options(queue: queue, client: Client).Queue(oldKey);
                await WaitForHistoryAsync(old.Id, h => h.Any(r => r.Kind == "signal"));
            }

            Versioned.CodeVersion = 2;
            await using (await StartWorkerAsync(queue))
            {
                var fresh = await Versioned.Options(queue: queue, client: Client).Queue(newKey);
                await old.SignalAsync("go", "1");
                await fresh.SignalAsync("go", "1");

                Assert.That(await old.GetResultAsync(Wait), Is.EqualTo("v1-path"));
                Assert.That(await fresh.GetResultAsync(Wait), Is.EqualTo("v2-path"));
            }

            Assert.That(Ends(oldKey, "sms"), Is.Zero);
            Assert.That(Ends(newKey, "sms"), Is.EqualTo(1));
            var history = await Client.GetHistoryAsync((await Client.ListAsync(new ExecutionFilter { Queue = queue, Name = "Versioned", Limit = 1 }))[0].Id);
            Assert.That(history.Any(h => h.Kind == "version" && h.Name == "add-sms" && h.Result == "2"), Is.True);
        }
        finally
        {
            Versioned.CodeVersion = 1;
        }
    }

    [Test]
    public async Task Sleep_AcrossAWorkerRestart_HoldsNoWorkerAndResumes()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        ExecutionHandle<string> handle;
        await using (await StartWorkerAsync(queue))
        {
            handle = await Sleepy.Options(queue: queue, client: Client).Queue(key, 1.5);
            await WaitForHistoryAsync(handle.Id, h => h.Any(r => r.Kind == "timer"));
        }

        Assert.That((await handle.GetStatusAsync()).State, Is.EqualTo(ExecutionState.Suspended));
        await using (await StartWorkerAsync(queue))
        {
            Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("rested"));
        }

        var history = await Client.GetHistoryAsync(handle.Id);
        var timer = history.Single(h => h.Kind == "timer");
        Assert.That(timer.CompletedAt - timer.CreatedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.4)));
        Assert.That(Ends(key, "before"), Is.EqualTo(1));
    }

    [Test]
    public async Task ChildWorkflow_RunFromAParent_ReturnsItsResultToTheParent()
    {
        // The child (Chain) runs on the queue its [Workflow] attribute names, as a child workflow should.
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { Queues = [queue, "wf"] });

        var handle = await Parent.Options(queue: queue, client: Client).Queue(NewKey());

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("STEP0+STEP1"));
        var child = (await Client.GetHistoryAsync(handle.Id)).Single(h => h.Kind == "workflow");
        Assert.That(child.ChildState, Is.EqualTo("completed"));
    }

    [Test]
    public async Task ActivityFailure_SurfacesInTheWorkflowAsExecutionFailedException()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await FailsOnActivity.Options(queue: queue, client: Client).Queue("boom");

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("caught System.InvalidOperationException: boom"));
    }

    [Test]
    public async Task Cancel_OfAWorkflowWithRunningChildren_CancelsThemThroughTheirTokens()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await LingerTwice.Options(queue: queue, client: Client).Queue(key);
        await WorkerTestsWait(() => Probe.Of(key).Count(e => e.Note == "linger-start") == 2);

        Assert.That(await handle.CancelAsync(), Is.True);

        await Assert.ThrowsAsync<ExecutionCancelledException>(async () => await handle.GetResultAsync(Wait));
        await WorkerTestsWait(() => Probe.Of(key).Count(e => e.Note == "linger-cancelled") == 2);
        var children = (await Client.GetHistoryAsync(handle.Id)).Select(h => h.ChildId!.Value).ToArray();
        foreach (var child in children)
        {
            Assert.That((await WaitForStateAsync(child, i => i.IsFinished)).State, Is.EqualTo(ExecutionState.Cancelled));
        }
    }

    [Test]
    public async Task Timeout_OfAWorkflow_FailsItAndCancelsItsChildren()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await TooSlow.Options(queue: queue, client: Client).Queue(key);
        var failure = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait)))!;

        Assert.That(failure.Error.Type, Is.EqualTo("System.TimeoutException"));
        await WorkerTestsWait(() => Probe.Of(key).Any(e => e.Note == "linger-cancelled"));
    }

    [Test]
    public async Task Nondeterminism_IsParkedNamingTheStepAndResumesAfterTheFix()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        ExecutionHandle<string> handle;
        await using (await StartWorkerAsync(queue))
        {
            handle = await Drifting.Options(queue: queue, client: Client).Queue(key);
            await WaitForHistoryAsync(handle.Id, h => h.Any(r => r.Kind == "signal"));
        }

        Drifting.Broken = true;
        try
        {
            await using (await StartWorkerAsync(queue))
            {
                await handle.SignalAsync("go", "x");
                var parked = await WaitForStateAsync(handle.Id, i => i.Error is not null);
                Assert.That(parked.State, Is.EqualTo(ExecutionState.Suspended), "parked, not failed");
                Assert.That(parked.Error!.Type, Is.EqualTo("Currant.NondeterminismException"));
                Assert.That(parked.Error.Message, Does.Contain("at step 1").And.Contain("activity 'Echo'").And.Contain("activity 'Explode'"));
            }
        }
        finally
        {
            Drifting.Broken = false;
        }

        // "Deploying the fix": a worker with the old behaviour starts and resumes parked workflows.
        await using (await StartWorkerAsync(queue))
        {
            Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("done"));
        }

        Assert.That(Ends(key, "a"), Is.EqualTo(1));
        Assert.That(Ends(key, "b"), Is.EqualTo(1));
    }

    [Test]
    public async Task Workflow_ThatBlocksItsThread_IsDetectedAndParked()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Blocker.Options(queue: queue, client: Client).Queue();
        var parked = await WaitForStateAsync(handle.Id, i => i.Error is not null);

        Assert.That(parked.State, Is.EqualTo(ExecutionState.Suspended));
        Assert.That(parked.Error!.Type, Is.EqualTo("Currant.WorkflowBlockedException"));
        Assert.That(parked.Error.Message, Does.Contain("without yielding"));
    }

    [Test]
    public async Task Workflow_WithTwoHundredSteps_Completes()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await Chain.Options(queue: queue, client: Client).Queue(key, 200);
        var result = await handle.GetResultAsync(TimeSpan.FromSeconds(120));

        Assert.That(result.Outputs, Has.Count.EqualTo(200));
        Assert.That(result.Outputs[199], Is.EqualTo("STEP199"));
        Assert.That(Probe.Of(key).Count(e => e.Note.StartsWith("end:", StringComparison.Ordinal)), Is.EqualTo(200));
    }

    [Test]
    public async Task StepAndQueuedJob_AreRecordedOnceAcrossReplays()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue);

        var handle = await StepsAndJobs.Options(queue: queue, client: Client).Queue(key);
        var result = await handle.GetResultAsync(Wait);

        Assert.That(result, Does.StartWith("tok-42:"));
        Assert.That(Probe.Of(key).Count(e => e.Note == "step"), Is.EqualTo(1));
        var jobId = Guid.Parse(result["tok-42:".Length..]);
        var job = (await Client.GetExecutionAsync(jobId))!;
        Assert.That(job.Name, Is.EqualTo("Greet"));
        Assert.That(job.ParentId, Is.EqualTo(handle.Id));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", "never-served-" + key)), Is.EqualTo(1));
    }

    private static Task WorkerTestsWait(Func<bool> condition) => CurrantWorkerTests.WaitUntilAsync(condition);
}
