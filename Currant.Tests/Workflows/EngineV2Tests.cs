using Currant.Tests.Jobs;

namespace Currant.Tests.Workflows;

/// <summary>
/// Workflow engine v2: replay-safe values that take no place in history, inline steps that are durable one by one
/// (under load, and across a SIGKILL), and the error for Workflow.* inside a step body.
/// </summary>
public sealed class EngineV2Tests : CurrantFixture
{
    [OneTimeSetUp]
    public async Task CreateLogTablesAsync()
    {
        await ScalarAsync<object>("""
            CREATE TABLE deploy_log (n integer NOT NULL, step text NOT NULL, pid integer NOT NULL);
            CREATE TABLE step_log (n integer NOT NULL, step integer NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            SELECT 1;
            """);
    }

    [Test]
    public async Task Deploy_ThatAddsRemovesAndMovesClockGuidAndRandomReads_LeavesEveryInFlightWorkflowToComplete()
    {
        const int workflows = 10;
        var queue = NewQueue("deploy");
        var handles = await DeployFlow.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, workflows));

        await using (var buildA = WorkerProcess.Start(ConnectionString, queue, concurrency: 8, Build("A")))
        {
            await buildA.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM deploy_log WHERE step = 'first'") == workflows
                && await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'workflow' AND state = 'suspended'", ("q", queue)) == workflows);
            await buildA.TerminateAsync();
            Assert.That(await buildA.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.True, "build A shuts down");
        }

        await using (var buildB = WorkerProcess.Start(ConnectionString, queue, concurrency: 8, Build("B")))
        {
            foreach (var handle in handles)
            {
                await handle.SignalAsync("go", "go");
            }

            await buildB.WaitUntilAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'workflow' AND (state IN ('completed', 'failed') OR (state = 'suspended' AND error IS NOT NULL))",
                ("q", queue)) == workflows);
        }

        var parked = await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'workflow' AND error IS NOT NULL", ("q", queue));
        Assert.That(parked, Is.Zero, "no workflow parked or failed by the new build");
        foreach (var handle in handles)
        {
            Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("first+go+second"));
        }

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM deploy_log"), Is.EqualTo(2 * workflows), "each activity ran once");
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT (n, step)) FROM deploy_log"), Is.EqualTo(2 * workflows));
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT pid) FROM deploy_log"), Is.EqualTo(2), "build A ran the first activities, build B the second");
    }

    [Test]
    public async Task InlineSteps_UnderLoadWithTheCpuKeptBusy_EachRunExactlyOnce()
    {
        const int workflows = 300, steps = 3;
        var queue = NewQueue("steps");
        var key = NewKey();
        using var busy = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Factory.StartNew(() =>
        {
            var x = 0L;
            while (!busy.IsCancellationRequested)
            {
                x++;
            }

            return x;
        }, TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            await using var worker = await StartWorkerAsync(queue, concurrency: 32);
            var handles = await ProbedSteps.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, workflows).Select(n => (key, n, steps)));
            foreach (var handle in handles)
            {
                Assert.That(await handle.GetResultAsync(TimeSpan.FromSeconds(120)), Is.EqualTo(steps * (steps + 1) / 2));
            }
        }
        finally
        {
            await busy.CancelAsync();
            await Task.WhenAll(spinners);
        }

        var counts = Enumerable.Range(0, workflows).SelectMany(n => Enumerable.Range(0, steps).Select(s => Probe.Count($"{key}/{n}/{s}"))).ToArray();
        Assert.That(counts.Count(c => c == 0), Is.Zero, "every step ran");
        Assert.That(counts.Count(c => c > 1), Is.Zero, $"steps that ran more than once: {counts.Count(c => c > 1)}");
    }

    [Test]
    public async Task Worker_KilledRightAfterALaterStepStarted_NeverRerunsAnEarlierStep()
    {
        const int workflows = 40, steps = 4;
        var queue = NewQueue("steps");
        var handles = await LoggedSteps.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, workflows).Select(n => (n, steps, 150)));

        await using var doomed = WorkerProcess.Start(ConnectionString, queue, concurrency: 16, WorkerProcess.FastFailover);
        await doomed.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM step_log WHERE step = 2") >= 5);
        doomed.Kill();
        var killedAt = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM step_log"), Is.LessThan(workflows * steps), "the worker must die before finishing everything");

        await using (var survivor = WorkerProcess.Start(ConnectionString, queue, concurrency: 16, WorkerProcess.FastFailover))
        {
            await survivor.WaitUntilAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'workflow' AND state = 'completed'", ("q", queue)) == workflows, TimeSpan.FromSeconds(120));
        }

        foreach (var handle in handles)
        {
            Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(steps * (steps - 1) / 2));
        }

        // A step whose successor had started before the kill had returned and been committed: it never runs again.
        var rerunAfterSuccessorStarted = await ScalarAsync<long>("""
            SELECT count(*) FROM (
                SELECT l.n, l.step FROM step_log l
                WHERE EXISTS (SELECT 1 FROM step_log nx WHERE nx.n = l.n AND nx.step = l.step + 1 AND nx.at < @killed)
                GROUP BY l.n, l.step HAVING count(*) > 1) twice
            """, ("killed", killedAt));
        var committedBeforeKill = await ScalarAsync<long>("""
            SELECT count(DISTINCT (l.n, l.step)) FROM step_log l
            WHERE EXISTS (SELECT 1 FROM step_log nx WHERE nx.n = l.n AND nx.step = l.step + 1 AND nx.at < @killed)
            """, ("killed", killedAt));
        Assert.That(committedBeforeKill, Is.GreaterThanOrEqualTo(10), "enough steps were committed before the kill for the test to mean anything");
        if (rerunAfterSuccessorStarted > 0)
        {
            await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var dump = new Npgsql.NpgsqlCommand(
                "SELECT l.n, l.step, l.pid, l.at FROM step_log l WHERE l.n IN (SELECT n FROM step_log GROUP BY n, step HAVING count(*) > 1) ORDER BY l.n, l.at", connection);
            await using var r = await dump.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                TestContext.Progress.WriteLine($"  n={r.GetInt32(0)} step={r.GetInt32(1)} pid={r.GetInt32(2)} at={r.GetDateTime(3):HH:mm:ss.ffffff}");
            }

            TestContext.Progress.WriteLine($"  killed at {killedAt:HH:mm:ss.ffffff}");
            TestContext.Progress.WriteLine(doomed.Output);
        }

        Assert.That(rerunAfterSuccessorStarted, Is.Zero, "no committed step ran again");
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT (n, step)) FROM step_log"), Is.EqualTo(workflows * steps), "every step ran");
        TestContext.Progress.WriteLine($"steps crash: {committedBeforeKill} steps committed before the kill, " +
            $"{await ScalarAsync<long>("SELECT count(*) FROM step_log") - workflows * steps} in-flight bodies re-ran");
    }

    [Test]
    public async Task WorkflowApi_InsideAStepBody_FailsTheWorkflowWithAnErrorNamingTheStep()
    {
        var queue = NewQueue("steps");
        await using var worker = await StartWorkerAsync(queue);
        var handle = await ClockInsideStep.Options(queue: queue, client: Client).Queue();
        var failure = await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait));
        Assert.That(failure!.Message, Does.Contain("Workflow.UtcNow").And.Contain("step 'read-clock'"));
    }

    [Test]
    public async Task WorkflowClock_AdvancesOnlyWhenWokenAndReadsTheSameOnReplay()
    {
        var queue = NewQueue("steps");
        DateTime[] first;
        await using (var worker = await StartWorkerAsync(queue))
        {
            var handle = await ClockReads.Options(queue: queue, client: Client).Queue(300);
            first = await handle.GetResultAsync(Wait);
            var history = await Client.GetHistoryAsync(handle.Id);
            Assert.That(history.Select(h => h.Kind), Is.EqualTo(new[] { "timer", "step" }), "clock reads take no place in history");
        }

        Assert.Multiple(() =>
        {
            Assert.That(first[1], Is.EqualTo(first[0]), "time stands still between wake-ups");
            Assert.That(first[2] - first[0], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300)), "the timer's firing moved the clock");
            Assert.That(first[3] - first[2], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(50)), "the finished step moved the clock");
        });
    }

    [Test]
    public async Task ActivitiesFinishingWhereTheirWorkflowWaits_CommitWithItsNextActivation()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWorkerAsync(queue, configure: o => o with { ActivitiesInActivation = false });
        var handle = await Chain.Options(queue: queue, client: Client).Queue(key, 5);
        var result = await handle.GetResultAsync(Wait);
        Assert.That(result.Outputs, Is.EqualTo(new[] { "STEP0", "STEP1", "STEP2", "STEP3", "STEP4" }));
        Assert.That(worker.FusedSteps, Is.EqualTo(5), "each activity ran here (eager) and its outcome resumed the cached workflow in the same commit");
        Assert.That(Probe.Count(key), Is.EqualTo(10), "each activity ran once");
        var history = await Client.GetHistoryAsync(handle.Id);
        Assert.That(history.Select(h => (h.Kind, h.State)), Is.All.EqualTo(("activity", "completed")));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE parent_id = @id AND state = 'completed'", ("id", handle.Id)), Is.EqualTo(5));
    }

    [Test]
    public async Task HistoryLoad_ForACachedInstance_ReadsOnlyRowsNewerThanIt()
    {
        var id = Guid.CreateVersion7();
        await ScalarAsync<object>("""
            INSERT INTO currant.history (workflow_id, seq, kind, name, state, completed_order) VALUES
                (@id, -1, 'version', 'known-change', 'completed', NULL),
                (@id, -2, 'version', 'new-change', 'completed', NULL),
                (@id, 0, 'start', 'W', 'completed', NULL),
                (@id, 1, 'activity', 'A', 'completed', 10),
                (@id, 2, 'activity', 'B', 'completed', 12),
                (@id, 3, 'activity', 'C', 'scheduled', NULL),
                (@id, 4, 'step', 'D', 'completed', NULL);
            SELECT 1;
            """, ("id", id));

        var full = await Client.Store.LoadWorkflowAsync(id, null, CancellationToken.None);
        var newer = await Client.Store.LoadWorkflowAsync(id, new global::Currant.Workflows.HistoryCursor(MaxSeq: 3, MinVersionSeq: -1, MaxOrder: 10), CancellationToken.None);
        Assert.That(full.History.Select(e => e.Seq), Is.EqualTo(new[] { -2, -1, 0, 1, 2, 3, 4 }));
        Assert.That(newer.History.Select(e => e.Seq), Is.EqualTo(new[] { -2, 2, 4 }), "a version and a step it did not record, an outcome that arrived since");
    }

    private static Dictionary<string, string> Build(string name) => new(WorkerProcess.FastFailover) { ["CURRANT_TEST_DEPLOY_BUILD"] = name };
}
