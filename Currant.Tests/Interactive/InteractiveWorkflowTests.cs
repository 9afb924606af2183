namespace Currant.Tests.Interactive;

/// <summary>
/// Typed signals, queries, updates and WaitUntil (DESIGN.md §2.1) against a real PostgreSQL, through the generated
/// handles: what a caller sends, what the workflow sees, and what the history records.
/// </summary>
public sealed class InteractiveWorkflowTests : CurrantFixture
{
    [Test]
    public async Task Signals_SentBeforeTheWorkflowStarted_ReachTheirHandlersInArrivalOrderExactlyOnce()
    {
        var queue = NewQueue("signals");
        var key = NewKey();
        var first = await InteractiveCollector.Options(queue: queue, idempotencyKey: key, client: Client).Queue(5);

        // Signal-with-start: the same idempotent Queue returns the same workflow, and signals are stored on arrival.
        var again = await InteractiveCollector.Options(queue: queue, idempotencyKey: key, client: Client).Queue(5);
        Assert.That(again.Id, Is.EqualTo(first.Id));
        await again.Signals.Remark("ab", 2);
        foreach (var n in new[] { 3, 1, 4, 1, 5 })
        {
            await again.Signals.Add(n);
        }

        await again.SignalAsync("note", "string API");

        await using var worker = await StartWorkerAsync(queue);
        Assert.That(await first.GetResultAsync(Wait), Is.EqualTo("3,1,4,1,5|abab|string API"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'signal-handled'", ("id", first.Id)), Is.EqualTo(6));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id AND consumed_seq IS NULL", ("id", first.Id)), Is.Zero,
            "every signal consumed once");
    }

    [Test]
    public async Task Approval_SignalUpdateAndQueries_CompletesWithQueriesLeavingNoHistory()
    {
        var queue = NewQueue("approvals");
        await using var worker = await StartWorkerAsync(queue);
        var h = await InteractiveApproval.Options(queue: queue, idempotencyKey: "doc-" + NewKey(), client: Client).Queue("doc-42", 3, 600);
        await WaitForStateAsync(h.Id, "suspended");

        await h.Signals.Approve("ana");
        Assert.That(await h.Updates.AddApprover("bo"), Is.EqualTo(2), "the update ran after the signal and returned the count");
        var rows = await HistoryRowsAsync(h.Id);

        Assert.That(await h.Queries.Status(), Is.EqualTo("waiting for doc-42"));
        Assert.That(await h.Queries.Count(), Is.EqualTo(2));
        Assert.That(await HistoryRowsAsync(h.Id), Is.EqualTo(rows), "queries are never recorded");

        var rejected = (await Assert.ThrowsAsync<UpdateRejectedException>(async () => await h.Updates.AddApprover("bo")))!;
        Assert.That(rejected.Message, Does.Contain("'bo' cannot approve"));
        Assert.That(await HistoryRowsAsync(h.Id), Is.EqualTo(rows), "a rejected update leaves no trace in the history");
        Assert.That(await h.Queries.Count(), Is.EqualTo(2));

        var again = InteractiveApproval.GetHandle(h.Id, Client);
        await again.Signals.Approve("cy");
        Assert.That(await again.GetResultAsync(Wait), Is.EqualTo("approved:ana,bo,cy"));
    }

    [Test]
    public async Task WaitUntil_WhenTheConditionNeverHolds_ReturnsFalseWhenItsDurableTimerFires()
    {
        var queue = NewQueue("approvals");
        await using var worker = await StartWorkerAsync(queue);
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-1", 2, 1);
        await h.Signals.Approve("ana");
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("expired:ana"));
    }

    [Test]
    public async Task Update_CalledAgainWithTheSameUpdateId_ReturnsTheSameResultAndRunsOnce()
    {
        var queue = NewQueue("approvals");
        await using var worker = await StartWorkerAsync(queue);
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-2", 5, 600);

        Assert.That(await h.WithUpdateId("add-zoe").AddApprover("zoe"), Is.EqualTo(1));
        Assert.That(await h.WithUpdateId("add-zoe").AddApprover("zoe"), Is.EqualTo(1), "a caller that calls again gets the recorded result, not a rejection");
        Assert.That(await h.Queries.Count(), Is.EqualTo(1));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'update'", ("id", h.Id)), Is.EqualTo(1));

        var reused = (await Assert.ThrowsAsync<ArgumentException>(async () => await Client.UpdateAsync(h.Id, "count", null, "add-zoe")))!;
        Assert.That(reused.Message, Does.Contain("already used for the 'AddApprover' update"));
        await h.CancelAsync();
    }

    [Test]
    public async Task Update_WhoseHandlerThrows_FailsForTheCallerWhileTheWorkflowGoesOn()
    {
        var queue = NewQueue("updates");
        await using var worker = await StartWorkerAsync(queue);
        var h = await InteractiveCollector.Options(queue: queue, client: Client).Queue(1);

        var failed = (await Assert.ThrowsAsync<ExecutionFailedException>(async () => await h.Updates.Fail(7)))!;
        Assert.That(failed.Error.Message, Does.Contain("failing on purpose (7)"));
        var unknown = (await Assert.ThrowsAsync<UpdateRejectedException>(async () => await Client.UpdateAsync(h.Id, "NoSuchUpdate", null)))!;
        Assert.That(unknown.Message, Does.Contain("has no [Update] named 'NoSuchUpdate'"));

        await h.Signals.Add(9);
        await h.Updates.Clear();
        Assert.That(await h.Queries.Seen(), Is.Empty);
        await h.Signals.Add(8);
        await h.SignalAsync("note", "done");
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("8|-|done"));
    }

    [Test]
    public async Task SignalFromWorkflowCode_IsRecordedAndDeliveredOnce()
    {
        var queue = NewQueue("forward");
        await using var worker = await StartWorkerAsync(queue);
        var target = await InteractiveCollector.Options(queue: queue, client: Client).Queue(3);
        var forwarder = await InteractiveForwarder.Options(queue: queue, client: Client).Queue(target.Id, 3);
        Assert.That(await forwarder.GetResultAsync(Wait), Is.EqualTo("sent"));

        await target.SignalAsync("note", "end");
        Assert.That(await target.GetResultAsync(Wait), Is.EqualTo("10,20,30|-|end"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id AND name = 'add'", ("id", target.Id)), Is.EqualTo(3),
            "each signal stored once, though the forwarder replayed after every sleep");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'signal-sent'", ("id", forwarder.Id)), Is.EqualTo(3));
    }

    [Test]
    public async Task Query_WhenNoWorkerServesTheQueue_FailsAtOnceNamingTheQueue()
    {
        var queue = NewQueue("nobody");
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-3", 1, 600);
        var error = (await Assert.ThrowsAsync<InvalidOperationException>(async () => await h.Queries.Status()))!;
        Assert.That(error.Message, Does.Contain($"No live worker serves queue '{queue}'"));

        var missing = (await Assert.ThrowsAsync<InvalidOperationException>(async () => await InteractiveApproval.GetHandle(Guid.NewGuid(), Client).Queries.Status()))!;
        Assert.That(missing.Message, Does.Contain("No workflow with id"));
    }

    [Test]
    public async Task Query_ToAWorkflowNoWorkerHoldsInMemory_IsAnsweredByAReplay()
    {
        var queue = NewQueue("approvals");
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-4", 3, 600);
        await using (var first = await StartWorkerAsync(queue))
        {
            await h.Signals.Approve("ana");
            await WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'signal-handled'", ("id", h.Id)) == 1);
            await WaitForStateAsync(h.Id, "suspended");
        }

        // A fresh worker has nothing in memory: it replays the history to answer, and records nothing.
        await using var second = await StartWorkerAsync(queue);
        var rows = await HistoryRowsAsync(h.Id);
        Assert.That(await h.Queries.Count(), Is.EqualTo(1));
        Assert.That(await h.Queries.Status(), Is.EqualTo("waiting for doc-4"));
        Assert.That(await HistoryRowsAsync(h.Id), Is.EqualTo(rows));
        await h.CancelAsync();
    }

    [Test]
    public async Task Updates_AfterAWorkerRestart_RunOnTheReplayedState()
    {
        var queue = NewQueue("replay");
        var h = await InteractiveSlowUpdates.Options(queue: queue, client: Client).Queue();
        await using (var first = await StartWorkerAsync(queue))
        {
            Assert.That(await h.Updates.AddSlowly(1), Is.EqualTo(2));
            Assert.That(await h.Updates.AddSlowly(2), Is.EqualTo(6));
        }

        await using var second = await StartWorkerAsync(queue);
        Assert.That(await h.Updates.AddSlowly(3), Is.EqualTo(12), "the fresh worker replayed both earlier updates first");
        Assert.That(await h.Queries.Total(), Is.EqualTo(12));
        await h.Signals.Finish();
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo(12));
        Assert.That(await ScalarAsync<object>("SELECT error FROM currant.executions WHERE id = @id", ("id", h.Id)), Is.EqualTo(DBNull.Value), "never parked");
    }

    [Test]
    public async Task WorkflowReplayer_OfAHistoryWithHandledSignalsAndUpdates_FindsItCompatible()
    {
        var queue = NewQueue("approvals");
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-5", 5, 600);
        await using (var worker = await StartWorkerAsync(queue))
        {
            await h.Signals.Approve("ana");
            Assert.That(await h.Updates.AddApprover("bo"), Is.EqualTo(2));
            await h.Signals.Approve("cy");
            await WaitUntilAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'signal-handled'", ("id", h.Id)) == 2);
            await WaitForStateAsync(h.Id, "suspended");
        }

        var report = await Currant.Testing.WorkflowReplayer.ReplayDatabaseAsync(ConnectionString, new Currant.Testing.ReplayFilter { Id = h.Id });
        Assert.That(report.Succeeded, Is.True, report.ToString());
        Assert.That(report.Workflows, Has.Count.EqualTo(1));
        await h.CancelAsync();
    }

    [Test]
    public async Task Update_ToAWorkflowWithoutUpdateMethods_IsRejectedAndTheWorkflowGoesOn()
    {
        var queue = NewQueue("plain");
        await using var worker = await StartWorkerAsync(queue);
        var h = await Currant.Tests.Workflows.TwoSignals.Options(queue: queue, client: Client).Queue();
        await h.SignalAsync("number", 1);

        var rejected = (await Assert.ThrowsAsync<UpdateRejectedException>(async () => await Client.UpdateAsync(h.Id, "Anything", null, timeout: Wait)))!;
        Assert.That(rejected.Message, Does.Contain("has no [Update] named 'Anything'"));
        await h.SignalAsync("number", 2);
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("1,2"));
    }

    private async Task<long> HistoryRowsAsync(Guid id)
        => await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", id));

    private async Task WaitForStateAsync(Guid id, string state)
        => await WaitUntilAsync(async () => await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id)) == state);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(25);
        }
    }
}
