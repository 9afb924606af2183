namespace Currant.Tests.LongLived;

/// <summary>Continue-as-new (db/0008): a chain of runs under one business id, followed by the caller's handle.</summary>
public sealed class ContinueAsNewTests : CurrantFixture
{
    [Test]
    public async Task ContinueAsNew_EveryFewSteps_TheOriginalHandleGetsTheLastRunsResult()
    {
        var queue = NewQueue("can");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await CountingLoop.Options(queue: queue, client: Client).Queue(10, 3, 0);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(10));

        var runs = await ChainAsync(handle.Id);
        Assert.That(runs, Has.Count.EqualTo(4), "10 steps, 3 per run");
        Assert.That(runs.Take(3).Select(r => r.State), Is.All.EqualTo(ExecutionState.Completed));
        Assert.That(runs.Take(3).Select(r => r.Result), Is.All.Null, "a continued run has no result of its own");
        Assert.That(runs[^1].Result, Is.EqualTo("10"));
        Assert.That(runs.Select(r => r.Arguments), Is.EqualTo(new[] { "[10, 3, 0]", "[10, 3, 3]", "[10, 3, 6]", "[10, 3, 9]" }));

        var status = await handle.GetStatusAsync();
        Assert.That(status.Id, Is.EqualTo(runs[^1].Id), "the handle's status is the chain's last run");
        Assert.That(status.ContinuedFrom, Is.EqualTo(runs[^2].Id));
    }

    [Test]
    public async Task ContinueAsNew_TheNewRun_StartsWithAnEmptyHistory()
    {
        var queue = NewQueue("can");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await CountingLoop.Options(queue: queue, client: Client).Queue(7, 3, 0);
        await handle.GetResultAsync(Wait);

        var runs = await ChainAsync(handle.Id);
        var steps = new List<int[]>();
        foreach (var run in runs)
        {
            steps.Add((await Client.GetHistoryAsync(run.Id)).Select(r => r.Seq).ToArray());
        }

        Assert.That(steps, Is.EqualTo(new[] { new[] { 1, 2, 3 }, new[] { 1, 2, 3 }, new[] { 1 } }), "each run numbers its steps from 1");
        Assert.That(runs.Select(r => r.Activations), Is.All.EqualTo(1), "no run replays an earlier run's steps");
    }

    [Test]
    public async Task ContinueAsNew_BufferedSignals_CarryOverAndLaterSignalsToTheFirstIdReachTheLastRun()
    {
        var queue = NewQueue("can");
        var key = NewKey();
        var handle = await SignalRelay.Options(queue: queue, client: Client, idempotencyKey: key, tags: new Dictionary<string, string> { ["customer"] = key })
            .Queue(0, "");
        await handle.SignalAsync("item", "a");
        await handle.SignalAsync("item", "b");

        await using var worker = await StartWorkerAsync(queue);
        var second = await WaitForAsync(async () => (await handle.GetStatusAsync()) is { ContinuedFrom: not null, State: ExecutionState.Suspended } s ? s : null);

        // Sent to the first run's id after it ended: stored for the last run.
        await handle.SignalAsync("item", "c");

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("abc"), "'a' in run 1; 'b' carried over; 'c' sent to the first id");
        var first = await Client.GetExecutionAsync(handle.Id);
        Assert.That(first!.ContinuedTo, Is.EqualTo(second.Id));
        Assert.That(first.IdempotencyKey, Is.Null, "the business id moved to the new run");
        Assert.That(second.IdempotencyKey, Is.EqualTo(key));
        Assert.That(second.Tags, Is.EqualTo(new Dictionary<string, string> { ["customer"] = key, ["stage"] = "second-run" }), "tags carried over, with the old run's SetTag");

        var again = await SignalRelay.Options(queue: queue, client: Client, idempotencyKey: key).Queue(0, "");
        Assert.That(again.Id, Is.EqualTo(second.Id), "the idempotency key names the chain's current run");
    }

    [Test]
    public async Task ContinueAsNew_OfAChildWorkflow_ItsParentGetsTheChainsResult()
    {
        var queue = NewQueue("can");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await ParentOfLoop.Options(queue: queue, client: Client).Queue(5, queue);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(1005));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE name = 'CountingLoop' AND queue = @q", ("q", queue)), Is.EqualTo(3));
    }

    [Test]
    public async Task ContinueAsNew_AsAnotherWorkflow_FailsWithAClearError()
    {
        var queue = NewQueue("can");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await ContinuesAsOther.Options(queue: queue, client: Client).Queue(3);

        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(failure!.Error.Message, Does.Contain("cannot continue as 'CountingLoop'"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND name = 'CountingLoop'", ("q", queue)), Is.Zero);
    }

    [Test]
    public void ContinueAsNew_OutsideAWorkflow_IsAClearError()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _ = CountingLoop.ContinueAsNew(1, 1, 0));
        Assert.That(error!.Message, Does.Contain("CountingLoop.ContinueAsNew(...)").And.Contain("workflow"));
    }

    [Test]
    public async Task HistoryCommand_OfAContinuedWorkflow_ListsTheRunsOfTheChain()
    {
        var queue = NewQueue("can");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await CountingLoop.Options(queue: queue, client: Client).Queue(4, 2, 0);
        await handle.GetResultAsync(Wait);
        var runs = await ChainAsync(handle.Id);

        var output = new StringWriter();
        var code = await Currant.CommandLine.CurrantCommandLine.InvokeAsync(["history", handle.Id.ToString(), "-d", ConnectionString], output: output);

        Assert.That(code, Is.Zero);
        Assert.That(output.ToString(), Does.Contain("Continue-as-new chain: 2 runs").And.Contain(runs[0].Id.ToString()).And.Contain(runs[1].Id.ToString())
            .And.Contain("continued"));
    }

    private async Task<List<ExecutionInfo>> ChainAsync(Guid first)
    {
        var runs = new List<ExecutionInfo>();
        for (Guid? id = first; id is { } next;)
        {
            var run = (await Client.GetExecutionAsync(next))!;
            runs.Add(run);
            id = run.ContinuedTo;
        }

        return runs;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
