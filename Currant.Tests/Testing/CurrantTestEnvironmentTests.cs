using System.Diagnostics;
using Currant.Testing;
using Currant.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Currant.Tests.Testing;

public sealed class CurrantTestEnvironmentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromDays(3);

    private static Task<CurrantTestEnvironment> StartAsync(Action<CurrantTestEnvironmentOptions>? configure = null)
        => CurrantTestEnvironment.StartAsync(o =>
        {
            o.ServerUrl = TestDatabase.ServerConnectionString;
            configure?.Invoke(o);
        });

    [Test]
    public async Task Sleep_OfSevenDays_FinishesInUnderASecondAndWorkflowTimeMovesAWeek()
    {
        await using var env = await StartAsync();
        var before = env.UtcNow;

        var stopwatch = Stopwatch.StartNew();
        var handle = await WeekLongFlow.Options(client: env.Client).Queue(7);
        var days = await handle.GetResultAsync(Wait);
        stopwatch.Stop();

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "a week-long workflow, waited for with time skipping on");
        Assert.That(days, Is.GreaterThanOrEqualTo(7).And.LessThan(7.01), "Workflow.UtcNow moves with the skipped time");
        Assert.That(env.UtcNow - before, Is.GreaterThanOrEqualTo(TimeSpan.FromDays(7)).And.LessThan(TimeSpan.FromDays(7.01)));
    }

    [Test]
    public async Task SkipTime_PastADailyScheduleFireTime_EnqueuesOneRunAtOnce()
    {
        await using var env = await StartAsync(o => o.AutoSkipTime = false);
        var key = Guid.NewGuid().ToString("N");
        var name = "daily-" + key;
        var info = await Currant.Tests.Schedules.ScheduledRecord.Options(client: env.Client).Schedule(name, "0 3 * * *", key);
        var wait = Stopwatch.StartNew();

        await env.SkipTimeAsync(TimeSpan.FromDays(3));
        while (Currant.Tests.Jobs.Probe.Count(key) == 0 && wait.Elapsed < Wait)
        {
            await Task.Delay(20);
        }

        Assert.That(Currant.Tests.Jobs.Probe.Count(key), Is.EqualTo(1), "three missed days, caught up as the latest only");
        Assert.That(wait.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "woken by the skip, not by a poll");
        var after = await env.Client.Schedules.GetAsync(name);
        Assert.That(after!.NextRunAt, Is.GreaterThan(info.NextRunAt!.Value.AddDays(2)));
    }

    [Test]
    public async Task SkipTime_PastASignalTimeout_EndsTheWaitWithTimeout()
    {
        await using var env = await StartAsync(o => o.AutoSkipTime = false);
        var handle = await Approval.Options(client: env.Client).Queue(Guid.NewGuid().ToString(), ThreeDays.TotalSeconds);

        await env.SkipTimeAsync(TimeSpan.FromDays(2));
        var halfway = await handle.GetStatusAsync();
        await env.SkipTimeAsync(TimeSpan.FromDays(1));

        Assert.That(halfway.State, Is.EqualTo(ExecutionState.Suspended), "two of three days: still waiting");
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("timed out"));
    }

    [Test]
    public async Task Signal_BeforeItsTimeout_WinsWhileTimeStandsStill()
    {
        await using var env = await StartAsync();
        var handle = await Approval.Options(client: env.Client).Queue(Guid.NewGuid().ToString(), ThreeDays.TotalSeconds);

        await env.SkipTimeAsync(TimeSpan.FromDays(1));
        await handle.SignalAsync("decision", "ana");

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("decided:ana"));
    }

    [Test]
    public async Task SkipTime_OverAnHourlyLoop_WakesTheWorkflowAtEachHourInTurn()
    {
        await using var env = await StartAsync(o => o.AutoSkipTime = false);
        var handle = await HourlyLoop.Options(client: env.Client).Queue(5);

        await env.SkipTimeAsync(TimeSpan.FromHours(5));

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(new[] { 1.0, 2.0, 3.0, 4.0, 5.0 }).Within(0.01));
    }

    [Test]
    public async Task DelayedRetry_OfAnActivityWithServices_FiresAtOnceAnHourLaterInWorkflowTime()
    {
        var counter = new AttemptCounter();
        await using var env = await StartAsync(o =>
        {
            o.Services.AddSingleton(counter);
            o.Worker = o.Worker with { RetryBaseDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(2) };
        });

        var stopwatch = Stopwatch.StartNew();
        var hours = await (await RetryingFlow.Options(client: env.Client).Queue("k")).GetResultAsync(Wait);

        Assert.That(counter.Of("k"), Is.EqualTo(2), "the activity (its dependency from o.Services) ran twice");
        Assert.That(hours, Is.GreaterThanOrEqualTo(0.75).And.LessThan(1.5), "the retry waited its backoff (an hour, ±25 %) in workflow time");
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Environments_SideBySide_HaveTheirOwnDatabaseAndClock()
    {
        await using var first = await StartAsync(o => o.AutoSkipTime = false);
        await using var second = await StartAsync(o => o.AutoSkipTime = false);

        await first.SkipTimeAsync(TimeSpan.FromDays(30));

        Assert.That(first.ConnectionString, Is.Not.EqualTo(second.ConnectionString));
        Assert.That(first.UtcNow - second.UtcNow, Is.GreaterThan(TimeSpan.FromDays(29.9)));
        await using var command = first.Client.DataSource.CreateCommand("SELECT now() - pg_catalog.now()");
        Assert.That((TimeSpan)(await command.ExecuteScalarAsync())!, Is.EqualTo(TimeSpan.FromDays(30)), "the database's now() skipped too");
    }
}
