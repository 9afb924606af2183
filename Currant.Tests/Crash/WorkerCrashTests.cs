using Currant.Tests.Jobs;
using Currant.Tests.Worker;

namespace Currant.Tests.Crash;

/// <summary>Kills real worker processes with SIGKILL and checks that the survivors finish everything exactly once.</summary>
public sealed class WorkerCrashTests : CurrantFixture
{
    [OneTimeSetUp]
    public async Task CreateAuditTablesAsync()
    {
        // crash_log: one row each time a job body finished. completions: one row each time the store recorded a
        // completion, written by a trigger so it sees every transition, whoever made it.
        await ScalarAsync<object>("""
            CREATE TABLE crash_log (n integer NOT NULL, pid integer NOT NULL);
            CREATE TABLE crash_steps (n integer NOT NULL, step integer NOT NULL, pid integer NOT NULL);
            CREATE TABLE completions (id uuid NOT NULL, worker_id uuid, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION record_completion() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    -- An activity that ran inside its workflow's activation is inserted finished.
                    IF NEW.state = 'completed' THEN
                        INSERT INTO completions (id, worker_id) VALUES (NEW.id, NULL);
                    END IF;
                ELSIF NEW.state = 'completed' AND OLD.state IS DISTINCT FROM 'completed' THEN
                    INSERT INTO completions (id, worker_id) VALUES (NEW.id, OLD.worker_id);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER executions_completed AFTER INSERT OR UPDATE ON currant.executions FOR EACH ROW EXECUTE FUNCTION record_completion();
            SELECT 1;
            """);
    }

    [Test]
    public async Task Worker_KilledWhileHoldingJobs_HasThemFinishedByAnotherWorkerNoneLostNoneCompletedTwice()
    {
        const int jobs = 300;
        var queue = NewQueue("crash");
        var handles = await CrashJob.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, jobs).Select(n => (n, 40 + (n % 7) * 30)));
        var ids = handles.Select(h => h.Id).ToArray();

        await using var doomed = WorkerProcess.Start(ConnectionString, queue, concurrency: 8, WorkerProcess.FastFailover);
        await doomed.WaitUntilAsync(async () => await CountAsync("state = 'completed'", queue) >= 40);
        doomed.Kill();
        var heldAtDeath = await CountAsync("state = 'running'", queue);
        var completedAtDeath = await CountAsync("state = 'completed'", queue);
        Assert.That(doomed.HasExited, Is.True);
        Assert.That(heldAtDeath, Is.GreaterThan(0), "the worker must die while holding jobs for this test to mean anything");
        Assert.That(completedAtDeath, Is.LessThan(jobs), "the worker must die before finishing everything");

        await using (var survivor = WorkerProcess.Start(ConnectionString, queue, concurrency: 8, WorkerProcess.FastFailover))
        {
            await survivor.WaitUntilAsync(async () => await CountAsync("state = 'completed'", queue) == jobs, TimeSpan.FromSeconds(90));
        }

        Assert.That(await CountAsync("state <> 'completed'", queue), Is.Zero, "none lost");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM completions WHERE id = ANY(@ids)", ("ids", ids)), Is.EqualTo(jobs), "none completed twice in the store");
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT id) FROM completions WHERE id = ANY(@ids)", ("ids", ids)), Is.EqualTo(jobs));
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT n) FROM crash_log"), Is.EqualTo(jobs), "every job body ran to the end at least once");
        var reruns = await ScalarAsync<long>("SELECT count(*) FROM crash_log") - jobs;
        Assert.That(reruns, Is.LessThanOrEqualTo(heldAtDeath), "only the attempts in flight at the kill may have run twice");
        Assert.That(await ScalarAsync<long>("SELECT count(DISTINCT pid) FROM crash_log"), Is.EqualTo(2), "both processes did part of the work");
        TestContext.Progress.WriteLine($"crash: {heldAtDeath} held at kill, {completedAtDeath} completed before, {reruns} bodies re-ran");
    }

    [Test]
    public async Task Worker_KilledInTheMiddleOfManyWorkflows_HasEveryWorkflowCompletedWithEachCompletedStepRunOnce()
    {
        const int workflows = 60;
        var queue = NewQueue("crash");
        var handles = await CrashFlow.Options(queue: queue, client: Client).QueueMany(Enumerable.Range(0, workflows));
        var ids = handles.Select(h => h.Id).ToArray();

        await using var doomed = WorkerProcess.Start(ConnectionString, queue, concurrency: 8, WorkerProcess.FastFailover);
        await doomed.WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM crash_steps") >= 80);
        doomed.Kill();
        var stepsAtDeath = await ScalarAsync<long>("SELECT count(*) FROM crash_steps");
        // An activity runs either as its own running row or inside its workflow's activation (the workflow is then
        // running and the activity has no row yet): at most one per running workflow, whose outcome is not committed.
        var activitiesInFlight = await CountAsync("state = 'running' AND kind IN ('activity', 'workflow')", queue);
        Assert.That(stepsAtDeath, Is.LessThan(workflows * 5), "the worker must die before finishing everything");

        await using (var survivor = WorkerProcess.Start(ConnectionString, queue, concurrency: 8, WorkerProcess.FastFailover))
        {
            await survivor.WaitUntilAsync(async () => await CountAsync("kind = 'workflow' AND state = 'completed'", queue) == workflows, TimeSpan.FromSeconds(120));
        }

        for (var i = 0; i < workflows; i++)
        {
            Assert.That(await handles[i].GetResultAsync(Wait), Is.EqualTo(i));
        }

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT n, step FROM crash_steps) s"), Is.EqualTo(workflows * 5), "every step of every workflow ran");
        var reruns = await ScalarAsync<long>("SELECT count(*) FROM crash_steps") - workflows * 5;
        Assert.That(reruns, Is.LessThanOrEqualTo(activitiesInFlight), "only steps in flight at the kill ran again; no completed step re-ran");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM completions c JOIN currant.executions e ON e.id = c.id WHERE e.parent_id = ANY(@ids)", ("ids", ids)),
            Is.EqualTo(workflows * 5), "each step was completed once in the store");
        TestContext.Progress.WriteLine($"workflow crash: {stepsAtDeath} steps done at kill, {activitiesInFlight} activities in flight, {reruns} re-ran");
    }

    [Test]
    public async Task Worker_KilledMidActivity_HasTheRetriedAttemptResumeFromItsLastHeartbeatDetails()
    {
        var queue = NewQueue("crash");
        var handle = await CrashBeatFlow.Options(queue: queue, client: Client).Queue(1);
        const string Progress = "SELECT COALESCE(max(heartbeat_details::text::int), 0) FROM currant.executions WHERE queue = @q AND kind = 'activity'";

        await using var doomed = WorkerProcess.Start(ConnectionString, queue, concurrency: 4, WorkerProcess.FastFailover);
        // Heartbeats are written at most every 0.8 s (0.8 x its 1 s timeout): wait for a few.
        await doomed.WaitUntilAsync(async () => await ScalarAsync<int>(Progress, ("q", queue)) >= 5);
        doomed.Kill();
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'activity' AND state = 'running' AND attempt = 1", ("q", queue)),
            Is.EqualTo(1), "killed while its activity ran");

        string result;
        await using (var survivor = WorkerProcess.Start(ConnectionString, queue, concurrency: 4, WorkerProcess.FastFailover))
        {
            result = await handle.GetResultAsync(TimeSpan.FromSeconds(60));
            Assert.That(result, Does.StartWith($"attempt 2 in {survivor.Pid} "), "retried once, by the survivor");
        }

        var last = await ScalarAsync<int>(Progress, ("q", queue));
        Assert.That(last, Is.GreaterThanOrEqualTo(5));
        Assert.That(result, Does.EndWith($"resumed at {last}"), "the retry read the last details the killed attempt wrote");
    }

    private Task<long> CountAsync(string condition, string queue)
        => ScalarAsync<long>($"SELECT count(*) FROM currant.executions WHERE queue = @q AND {condition}", ("q", queue));

}
