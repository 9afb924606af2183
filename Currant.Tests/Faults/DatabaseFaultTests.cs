using System.Diagnostics;
using Currant.Tests.Jobs;

namespace Currant.Tests.Faults;

/// <summary>The database goes away under load (crash, long outage, killed connections); the workers must finish everything exactly once.</summary>
public sealed class DatabaseFaultTests : FaultFixture
{
    private const int Jobs = 2000;

    [Test, CancelAfter(180_000)]
    public async Task Postgres_RestartedImmediatelyUnderLoad_EveryJobCompletesExactlyOnce(CancellationToken ct)
    {
        var ids = await EnqueueShortJobsAsync();
        await StartWorkerAsync(16, Steady, ct);
        await StartWorkerAsync(16, Steady, ct);
        await WaitForAsync("400 jobs completed before the restart", async () => await CountAsync("state = 'completed'") >= 400, TimeSpan.FromSeconds(60), ct);

        var completedBefore = await CountAsync("state = 'completed'");
        var runningBefore = await CountAsync("state = 'running'");
        var outage = Stopwatch.StartNew();
        await Server.StopImmediatelyAsync();
        await Server.StartAgainAsync(ct);
        var down = outage.Elapsed;
        Assert.That(completedBefore, Is.LessThan(Jobs), "the restart must hit mid-run for this test to mean anything");
        Assert.That(runningBefore, Is.GreaterThan(0), "the restart must hit jobs in flight for this test to mean anything");

        var back = Stopwatch.StartNew();
        await WaitForAsync("the first completion after the restart", async () => await CountAsync("state = 'completed'") > completedBefore, TimeSpan.FromSeconds(60), ct);
        var resumed = back.Elapsed;
        await WaitForAsync($"all {Jobs} jobs to finish after the restart", async () => await CountAsync("state NOT IN ('completed', 'failed', 'cancelled')") == 0, TimeSpan.FromSeconds(90), ct);

        Report("restart", $"pg_ctl stop -m immediate + start took {down.TotalSeconds:0.0} s with {completedBefore} completed and {runningBefore} running; " +
            $"first completion {resumed.TotalSeconds:0.0} s after it was back, all done after {back.Elapsed.TotalSeconds:0.0} s");
        await AssertEachFinishedExactlyOnceAsync(ids);
    }

    /// <summary>
    /// The heartbeat timeout (5 minutes) is longer than the outage (3 minutes), so no failover may help: each worker
    /// must keep the outcomes it could not write, stop claiming, and write them once the database is back.
    /// </summary>
    [Test, CancelAfter(360_000)]
    public async Task Postgres_DownForThreeMinutesUnderLoad_WorkersKeepTheirCompletionsAndFinishEverythingOnceItIsBack(CancellationToken ct)
    {
        var patient = new Dictionary<string, string>
        {
            ["CURRANT_WORKER_HEARTBEAT_INTERVAL"] = "1",
            ["CURRANT_WORKER_HEARTBEAT_TIMEOUT"] = "300",
            ["CURRANT_WORKER_POLL_INTERVAL"] = "0.2",
        };
        var ids = await EnqueueShortJobsAsync();
        await StartWorkerAsync(16, patient, ct);
        await StartWorkerAsync(16, patient, ct);
        await WaitForAsync("300 jobs completed before the outage", async () => await CountAsync("state = 'completed'") >= 300, TimeSpan.FromSeconds(60), ct);

        var completedBefore = await CountAsync("state = 'completed'");
        var runningBefore = await CountAsync("state = 'running'");
        Assert.That(completedBefore, Is.LessThan(Jobs), "the outage must hit mid-run for this test to mean anything");
        Assert.That(runningBefore, Is.GreaterThan(0), "the outage must hit jobs in flight for this test to mean anything");
        var stoppedAt = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Server.StopImmediatelyAsync();
        Report("outage", $"Postgres stopped at {stoppedAt:HH:mm:ss.fff} (database time) with {completedBefore} completed and {runningBefore} running; down for 3 minutes");
        // The fault itself lasts three minutes; this is its duration, not a wait for work.
        await Task.Delay(TimeSpan.FromMinutes(3), ct);
        await Server.StartAgainAsync(ct);

        var back = Stopwatch.StartNew();
        await WaitForAsync("the first completion after the outage", async () => await CountAsync("state = 'completed'") > completedBefore, TimeSpan.FromSeconds(60), ct);
        var resumed = back.Elapsed;
        await WaitForAsync($"all {Jobs} jobs to finish after the outage (the workers' heartbeat timeout is 5 minutes, so nobody rescues a row a worker holds)",
            async () => await CountAsync("state NOT IN ('completed', 'failed', 'cancelled')") == 0, TimeSpan.FromSeconds(60), ct);

        Report("outage", $"first completion {resumed.TotalSeconds:0.0} s after Postgres was back, all done after {back.Elapsed.TotalSeconds:0.0} s");
        await AssertEachFinishedExactlyOnceAsync(ids);
    }

    [Test, CancelAfter(180_000)]
    public async Task WorkerConnections_TerminatedRepeatedlyUnderLoad_EveryJobCompletesExactlyOnce(CancellationToken ct)
    {
        var ids = await EnqueueShortJobsAsync();
        await StartWorkerAsync(16, Steady, ct);
        await StartWorkerAsync(16, Steady, ct);

        foreach (var threshold in new[] { 300, 800, 1300 })
        {
            await WaitForAsync($"{threshold} jobs completed", async () => await CountAsync("state = 'completed'") >= threshold, TimeSpan.FromSeconds(60), ct);
            var completedBefore = await CountAsync("state = 'completed'");
            Assert.That(completedBefore, Is.LessThan(Jobs), "the connections must be killed mid-run for this test to mean anything");
            var terminated = await TerminateWorkerConnectionsAsync();
            var since = Stopwatch.StartNew();
            Assert.That(terminated, Is.GreaterThan(0), "the workers must have had connections to kill");
            await WaitForAsync("the first completion after the connections were terminated",
                async () => await CountAsync("state = 'completed'") > completedBefore, TimeSpan.FromSeconds(60), ct);
            Report("terminate", $"{terminated} worker connections terminated at {completedBefore} completed; first completion {since.Elapsed.TotalSeconds:0.00} s later");
        }

        var end = Stopwatch.StartNew();
        await WaitForAsync($"all {Jobs} jobs to finish", async () => await CountAsync("state NOT IN ('completed', 'failed', 'cancelled')") == 0, TimeSpan.FromSeconds(90), ct);
        Report("terminate", $"all done {end.Elapsed.TotalSeconds:0.0} s after the last round");
        await AssertEachFinishedExactlyOnceAsync(ids);
    }

    /// <summary>Short jobs (20 to 100 ms) so that many are in flight, and many completions are queued, when the fault hits.</summary>
    private async Task<Guid[]> EnqueueShortJobsAsync()
    {
        var handles = await FaultJob.Options(queue: Queue, client: Client).QueueMany(Enumerable.Range(0, Jobs).Select(n => (n, 20 + n % 5 * 20)));
        return handles.Select(h => h.Id).ToArray();
    }
}
