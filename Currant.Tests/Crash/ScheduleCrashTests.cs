using System.Globalization;
using Currant.Tests.Schedules;

namespace Currant.Tests.Crash;

/// <summary>
/// Schedules without a leader, with real processes: three workers fire one per-second schedule while one of them is
/// SIGKILLed; every fire time must be enqueued exactly once.
/// </summary>
public sealed class ScheduleCrashTests : CurrantFixture
{
    private const int FireTimes = 30;

    [Test]
    public async Task ThreeWorkerProcesses_OneKilledMidway_EnqueueEachOfThirtyOneSecondFireTimesExactlyOnce()
    {
        var queue = NewQueue("sched-crash");
        var name = "crash-" + NewKey();
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                workers.Add(WorkerProcess.Start(ConnectionString, queue, concurrency: 4, WorkerProcess.FastFailover));
            }

            await workers[0].WaitUntilAsync(async () => await ScalarAsync<long>("SELECT count(*) FROM currant.workers WHERE @q = ANY(queues)", ("q", queue)) == 3,
                TimeSpan.FromSeconds(60));

            // Allow: every fire time enqueues whatever still runs, so a missing one can only be a lost fire time;
            // All: a pass that comes late (a busy machine) still enqueues each second it passed.
            await CrashTick.Options(queue: queue, client: Client).Schedule(name,
                new ScheduleSpec("* * * * * *") { Overlap = ScheduleOverlap.Allow, CatchUp = ScheduleCatchUp.All });

            await workers[1].WaitUntilAsync(async () => await RunsAsync(name) >= FireTimes / 3, TimeSpan.FromSeconds(60));
            workers[0].Kill();
            var atKill = await RunsAsync(name);
            Assert.That(workers[0].HasExited, Is.True);

            await workers[1].WaitUntilAsync(async () => await RunsAsync(name) >= FireTimes + 2, TimeSpan.FromSeconds(90));
            await Client.Schedules.PauseAsync(name);

            var keys = await KeysAsync(name);
            var fireTimes = keys.Select(k => DateTime.ParseExact(k[$"schedule:{name}:".Length..], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).Order().ToList();

            Assert.That(fireTimes, Has.Count.GreaterThanOrEqualTo(FireTimes));
            Assert.That(fireTimes.Distinct().Count(), Is.EqualTo(fireTimes.Count), "none doubled");
            var gaps = fireTimes.Zip(fireTimes.Skip(1), (a, b) => b - a).Where(d => d != TimeSpan.FromSeconds(1)).ToList();
            Assert.That(gaps, Is.Empty, "none missed: one run for every second from the first fire time to the last");
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND name = 'CrashTick'", ("q", queue)),
                Is.EqualTo(fireTimes.Count), "no run outside the fire-time keys");
            Assert.That(atKill, Is.LessThan(fireTimes.Count - 10), "the kill came mid-way");
            // A second enqueue of a fire time would break its key's unique index and fail that worker's pass.
            Assert.That(workers[1].Output + workers[2].Output, Does.Not.Contain("Scheduler pass failed"));

            // The survivors also ran what was enqueued.
            await workers[1].WaitUntilAsync(async () => await ScalarAsync<long>(
                "SELECT count(*) FROM currant.executions WHERE queue = @q AND state <> 'completed'", ("q", queue)) == 0, TimeSpan.FromSeconds(60));
            TestContext.Progress.WriteLine($"schedule crash: {fireTimes.Count} fire times, {atKill} enqueued before the kill");
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private Task<long> RunsAsync(string name)
        => ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE idempotency_key LIKE @p", ("p", $"schedule:{name}:%"));

    private async Task<List<string>> KeysAsync(string name)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT idempotency_key FROM currant.executions WHERE idempotency_key LIKE @p", connection);
        command.Parameters.AddWithValue("p", $"schedule:{name}:%");
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
