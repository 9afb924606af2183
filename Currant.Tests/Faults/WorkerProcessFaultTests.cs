using System.Diagnostics;
using Currant.Tests.Jobs;

namespace Currant.Tests.Faults;

/// <summary>A worker process freezes, dies or is told to stop while it holds work; the others must finish it exactly once.</summary>
public sealed class WorkerProcessFaultTests : FaultFixture
{
    [Test, CancelAfter(180_000)]
    public async Task Worker_FrozenPastItsHeartbeatTimeout_HasItsRowsRescuedAndItsLateWritesFenced(CancellationToken ct)
    {
        const int jobs = 64;
        var handles = await FaultJob.Options(queue: Queue, client: Client).QueueMany(Enumerable.Range(0, jobs).Select(n => (n, 1000)));
        var ids = handles.Select(h => h.Id).ToArray();
        var (zombie, zombieId) = await StartWorkerAsync(8, FastFailover, ct);
        var (_, rescuerId) = await StartWorkerAsync(8, FastFailover, ct);
        await WaitForAsync("the first worker to hold a full batch while the second one runs",
            async () => await HeldByAsync(zombieId) == 8 && await HeldByAsync(rescuerId) > 0, TimeSpan.FromSeconds(60), ct);

        var frozenAt = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await zombie.FreezeAsync();
        var frozen = Stopwatch.StartNew();
        await WaitForAsync("the frozen worker's rows to be rescued", async () => await HeldByAsync(zombieId) == 0, TimeSpan.FromSeconds(30), ct);
        var rescuedAfter = frozen.Elapsed;
        // What the zombie held: the rows failover took from it after the freeze, with the attempt it was on.
        var held = await ListAsync("""
            SELECT id::text || ' ' || old_attempt FROM fault_audit
            WHERE old_worker = @zombie AND old_state = 'running' AND new_state = 'pending' AND new_worker IS NULL AND at > @frozen_at
            """, ("zombie", zombieId), ("frozen_at", frozenAt));
        var heldIds = held.Select(h => Guid.Parse(h.Split(' ')[0])).ToArray();
        Assert.That(heldIds, Is.Not.Empty, "the frozen worker must have held rows for this test to mean anything");
        await WaitForAsync("the other worker to complete every rescued row", async () => await ScalarAsync<long>(
            "SELECT count(*) FROM currant.executions WHERE id = ANY(@ids) AND state = 'completed'", ("ids", heldIds)) == heldIds.Length, TimeSpan.FromSeconds(30), ct);
        var finishedElsewhereAfter = frozen.Elapsed;

        var thawedAt = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await zombie.ThawAsync();
        // Its attempts finish now, late; each must be refused by the fence (worker_id and attempt) and said so.
        await WaitForAsync("the thawed worker to report each late result as rejected", () => Task.FromResult(held.All(h =>
        {
            var parts = h.Split(' ');
            return zombie.Output.Split('\n').Any(line => line.Contains(parts[0], StringComparison.Ordinal) && line.Contains($"attempt {parts[1]}", StringComparison.Ordinal)
                && (line.Contains("rejected", StringComparison.OrdinalIgnoreCase) || line.Contains("fenced", StringComparison.OrdinalIgnoreCase)));
        })), TimeSpan.FromSeconds(30), ct);
        await WaitForAsync($"all {jobs} jobs to finish", async () => await CountAsync("state NOT IN ('completed', 'failed', 'cancelled')") == 0, TimeSpan.FromSeconds(60), ct);

        await AssertEachFinishedExactlyOnceAsync(ids);
        var lateBodies = await ScalarAsync<long>("SELECT count(*) FROM fault_effects WHERE pid = @pid AND at > @thawed_at", ("pid", zombie.Pid), ("thawed_at", thawedAt));
        var completedByZombie = await ScalarAsync<long>(
            "SELECT count(*) FROM fault_audit WHERE id = ANY(@ids) AND new_state = 'completed' AND old_worker = @zombie", ("ids", heldIds), ("zombie", zombieId));
        var staleAttempts = await ScalarAsync<long>("""
            SELECT count(*) FROM fault_audit c JOIN fault_audit r ON r.id = c.id AND r.old_worker = @zombie AND r.new_state = 'pending' AND r.at > @frozen_at
            WHERE c.id = ANY(@ids) AND c.new_state = 'completed' AND c.old_attempt <= r.old_attempt
            """, ("ids", heldIds), ("zombie", zombieId), ("frozen_at", frozenAt));
        Assert.Multiple(() =>
        {
            Assert.That(completedByZombie, Is.Zero, "no row taken from the frozen worker may be completed by it");
            Assert.That(staleAttempts, Is.Zero, "every rescued row was completed under a newer attempt than the zombie's");
        });
        Report("sigstop", $"{heldIds.Length} rows held at SIGSTOP; rescued {rescuedAfter.TotalSeconds:0.0} s and completed elsewhere {finishedElsewhereAfter.TotalSeconds:0.0} s after it; " +
            $"after SIGCONT the zombie ran {lateBodies} job bodies to the end, and its {heldIds.Length} late results were rejected");
    }

    [Test, CancelAfter(120_000)]
    public async Task Worker_KilledHoldingAFullBatchOfSlowJobs_HasTheBatchFinishedByAnotherWorkerExactlyOnce(CancellationToken ct)
    {
        const int jobs = 48;
        var handles = await FaultJob.Options(queue: Queue, client: Client).QueueMany(Enumerable.Range(0, jobs).Select(n => (n, 3000)));
        var ids = handles.Select(h => h.Id).ToArray();
        var (doomed, doomedId) = await StartWorkerAsync(16, FastFailover, ct);
        await WaitForAsync("the worker to hold a full batch of 16", async () => await HeldByAsync(doomedId) == 16, TimeSpan.FromSeconds(30), ct);

        ExpectExit(doomed);
        doomed.Kill();
        var killed = Stopwatch.StartNew();
        var heldIds = (await ListAsync("SELECT id::text FROM currant.executions WHERE worker_id = @w AND state = 'running'", ("w", doomedId))).Select(Guid.Parse).ToArray();
        Assert.That(heldIds, Has.Length.EqualTo(16), "the worker must die holding its whole batch");

        var (_, survivorId) = await StartWorkerAsync(16, FastFailover, ct);
        await WaitForAsync("the survivor to complete the dead worker's batch", async () => await ScalarAsync<long>(
            "SELECT count(*) FROM currant.executions WHERE id = ANY(@ids) AND state = 'completed'", ("ids", heldIds)) == heldIds.Length, TimeSpan.FromSeconds(60), ct);
        var batchDoneAfter = killed.Elapsed;
        await WaitForAsync($"all {jobs} jobs to finish", async () => await CountAsync("state NOT IN ('completed', 'failed', 'cancelled')") == 0, TimeSpan.FromSeconds(60), ct);

        await AssertEachFinishedExactlyOnceAsync(ids);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM fault_audit WHERE id = ANY(@ids) AND new_state = 'completed' AND old_worker = @w", ("ids", heldIds), ("w", survivorId)),
            Is.EqualTo(heldIds.Length), "the survivor completed the whole batch");
        Report("sigkill", $"killed holding 16 jobs of 3 s; the survivor completed them {batchDoneAfter.TotalSeconds:0.0} s after the kill " +
            $"(its process start and a 2 s heartbeat timeout included), all {jobs} done after {killed.Elapsed.TotalSeconds:0.0} s");
    }

    [Test, CancelAfter(180_000)]
    public async Task Worker_TerminatedWithSixteenJobsRunning_FinishesOrHandsThemBackAndAnotherWorkerCompletesThemOnce(CancellationToken ct)
    {
        // Eight finish well within the 30 s shutdown grace; eight would run for two minutes and must be handed back.
        const int jobs = 16;
        var handles = await ShutdownJob.Options(queue: Queue, client: Client).QueueMany(Enumerable.Range(0, jobs).Select(n => (n, n < 8 ? 3000 : 120_000)));
        var ids = handles.Select(h => h.Id).ToArray();
        var quickIds = ids[..8];
        var longIds = ids[8..];
        var (leaving, leavingId) = await StartWorkerAsync(16, Steady, ct);
        await WaitForAsync("the worker to run all 16 jobs", async () => await HeldByAsync(leavingId) == jobs, TimeSpan.FromSeconds(30), ct);
        var (_, heirId) = await StartWorkerAsync(16, Steady, ct);

        var terminatedAt = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        ExpectExit(leaving);
        await leaving.TerminateAsync();
        var terminated = Stopwatch.StartNew();
        await WaitForAsync("the terminated worker to exit by itself", () => Task.FromResult(leaving.HasExited), TimeSpan.FromSeconds(90), ct);
        var exitedAfter = terminated.Elapsed;
        await WaitForAsync("every job to finish", async () => await CountAsync("state NOT IN ('completed', 'failed', 'cancelled')") == 0, TimeSpan.FromSeconds(30), ct);

        await AssertEachFinishedExactlyOnceAsync(ids);
        var quickByLeaving = await ScalarAsync<long>("SELECT count(*) FROM fault_audit WHERE id = ANY(@ids) AND new_state = 'completed' AND old_worker = @w", ("ids", quickIds), ("w", leavingId));
        var handedBack = await ScalarAsync<long>("""
            SELECT count(*) FROM fault_audit WHERE id = ANY(@ids) AND old_worker = @w AND old_state = 'running' AND new_state = 'pending'
            AND new_attempt = old_attempt - 1
            """, ("ids", longIds), ("w", leavingId));
        var longByHeirFirstAttempt = await ScalarAsync<long>(
            "SELECT count(*) FROM fault_audit WHERE id = ANY(@ids) AND new_state = 'completed' AND old_worker = @w AND old_attempt = 1", ("ids", longIds), ("w", heirId));
        var handBackAfter = await ScalarAsync<double?>(
            "SELECT extract(epoch FROM max(at) - @t0)::float8 FROM fault_audit WHERE id = ANY(@ids) AND old_worker = @w AND new_state = 'pending'", ("ids", longIds), ("w", leavingId), ("t0", terminatedAt));
        Assert.Multiple(() =>
        {
            Assert.That(leaving.ExitCode, Is.Zero, $"a graceful shutdown exits cleanly\n{leaving.OutputTail(40)}");
            Assert.That(quickByLeaving, Is.EqualTo(8), "the jobs that fit in the grace period are finished by the stopping worker");
            Assert.That(handedBack, Is.EqualTo(8), "the others are handed back without spending their attempt");
            Assert.That(longByHeirFirstAttempt, Is.EqualTo(8), "another worker completes the handed-back jobs, still on their first attempt");
        });
        Report("sigterm", $"8 jobs finished within the grace; 8 handed back {handBackAfter:0.0} s after SIGTERM; the worker exited after {exitedAfter.TotalSeconds:0.0} s; " +
            $"all done {terminated.Elapsed.TotalSeconds:0.0} s after SIGTERM");
    }

    private Task<long> HeldByAsync(Guid workerId)
        => ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE worker_id = @w AND state = 'running'", ("w", workerId));
}
