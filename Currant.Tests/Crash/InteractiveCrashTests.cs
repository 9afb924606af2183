using Currant.Tests.Interactive;

namespace Currant.Tests.Crash;

/// <summary>Updates and queries across a SIGKILLed worker process: the caller still gets its answer, once.</summary>
public sealed class InteractiveCrashTests : CurrantFixture
{
    private static readonly Dictionary<string, string> LoggingWorker = new(WorkerProcess.FastFailover) { ["CURRANT_TEST_UPDATE_LOG"] = "1" };

    [OneTimeSetUp]
    public async Task CreateUpdateLogAsync()
        => await ScalarAsync<object>("CREATE TABLE update_log (amount integer NOT NULL, pid integer NOT NULL); SELECT 1;");

    [Test]
    public async Task Update_WhoseWorkerIsKilledWhileItsHandlerRuns_ReachesTheCallerOnceWithItsResult()
    {
        var queue = NewQueue("crash-update");
        var h = await InteractiveSlowUpdates.Options(queue: queue, client: Client).Queue();

        await using var doomed = WorkerProcess.Start(ConnectionString, queue, concurrency: 4, LoggingWorker);
        await doomed.WaitUntilAsync(async () => await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", h.Id)) == "suspended");

        // The caller waits in this process; the handler's activity runs (and is killed) in the worker's.
        var update = h.WithUpdateId("add-5").AddSlowly(5);
        await doomed.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM update_log") >= 1);
        doomed.Kill();
        Assert.That(update.IsCompleted, Is.False, "the worker died before the update finished");

        await using var survivor = WorkerProcess.Start(ConnectionString, queue, concurrency: 4, LoggingWorker);
        Assert.That(await update.WaitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(10));
        Assert.That(await h.WithUpdateId("add-5").AddSlowly(5), Is.EqualTo(10), "calling again with the update id returns the same result");
        Assert.That(await h.Queries.Total(), Is.EqualTo(10), "the update changed the workflow's state once");

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'update'", ("id", h.Id)), Is.EqualTo(1));
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT pid) FROM update_log"), Is.EqualTo(2), "the killed worker started the activity; the survivor ran it again");
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.updates WHERE workflow_id = @id", ("id", h.Id)), Is.EqualTo("completed"));

        await h.Signals.Finish();
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo(10));
    }

    [Test]
    public async Task Query_ToAWorkflowWhoseWorkerWasKilled_IsAnsweredByAReplayOnAnotherWorker()
    {
        var queue = NewQueue("crash-query");
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-9", 3, 600);
        await using (var doomed = WorkerProcess.Start(ConnectionString, queue, concurrency: 4, WorkerProcess.FastFailover))
        {
            await h.Signals.Approve("ana");
            await doomed.WaitUntilAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM currant.history WHERE workflow_id = @id AND kind = 'signal-handled'", ("id", h.Id)) == 1);
            Assert.That(await h.Queries.Count(), Is.EqualTo(1), "answered by the worker that holds the workflow");
            doomed.Kill();
        }

        var rows = await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", h.Id));
        await using var survivor = await StartWorkerAsync(queue);
        Assert.That(await h.Queries.Count(), Is.EqualTo(1));
        Assert.That(await h.Queries.Status(), Is.EqualTo("waiting for doc-9"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", h.Id)), Is.EqualTo(rows), "nothing recorded");

        await h.Signals.Approve("bo");
        await h.Signals.Approve("cy");
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("approved:ana,bo,cy"));
    }
}
