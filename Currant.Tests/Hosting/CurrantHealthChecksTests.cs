using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Currant.Tests.Hosting;

/// <summary><c>services.AddHealthChecks().AddCurrant()</c>: database, schema and worker heartbeat.</summary>
public sealed class CurrantHealthChecksTests : CurrantFixture
{
    [TearDown]
    public void RestoreDefault() => CurrantClient.Default = Client;

    /// <summary>The system clock, moved forward on demand; timers still run on real time.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }

    private static IHost Build(Dictionary<string, string?> settings, bool withWorker, TimeProvider? clock = null)
    {
        var builder = TestHosts.Builder(settings);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        var currant = builder.Services.AddCurrant();
        if (withWorker)
        {
            currant.AddWorker();
        }

        builder.Services.AddHealthChecks().AddCurrant();
        return builder.Build();
    }

    private static async Task<HealthReport> CheckAsync(IHost host) => await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    [Test]
    public async Task AllChecks_WithAReachableCurrentDatabaseAndALiveWorker_AreHealthy()
    {
        using var host = Build(TestHosts.Settings(ConnectionString, NewQueue()), withWorker: true);
        await host.StartAsync();

        var report = await CheckAsync(host);
        await host.StopAsync();

        Assert.That(report.Entries.Keys, Is.EquivalentTo(new[] { "currant-database", "currant-schema", "currant-worker" }));
        Assert.That(report.Entries.Values.Select(e => e.Status), Is.All.EqualTo(HealthStatus.Healthy), string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
        Assert.That(report.Entries["currant-worker"].Description, Does.Contain("is alive"));
    }

    [Test]
    public async Task DatabaseAndSchema_WhenTheServerIsUnreachable_AreUnhealthy()
    {
        using var host = Build(new() { ["ConnectionStrings:Currant"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=x;Timeout=2" }, withWorker: false);

        var report = await CheckAsync(host);

        Assert.That(report.Entries["currant-database"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["currant-database"].Description, Does.Contain("does not answer"));
        Assert.That(report.Entries["currant-schema"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["currant-worker"].Status, Is.EqualTo(HealthStatus.Healthy), "no worker runs in this process");
    }

    [Test]
    public async Task Schema_OnAnUnmigratedDatabase_IsUnhealthyWithTheFix_AndHealthyOnceMigrated()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("healthschema");
        using var host = Build(new() { ["ConnectionStrings:Currant"] = fresh }, withWorker: false);

        var before = await CheckAsync(host);
        await host.Services.GetRequiredService<CurrantClient>().MigrateAsync();
        var after = await CheckAsync(host);

        Assert.That(before.Entries["currant-database"].Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(before.Entries["currant-schema"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(before.Entries["currant-schema"].Description, Does.Contain("currant migrate"));
        Assert.That(after.Entries["currant-schema"].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task Worker_WhoseHeartbeatGrowsOld_IsDegradedThenUnhealthy()
    {
        var clock = new ShiftedClock();
        var settings = TestHosts.Settings(ConnectionString, NewQueue());
        // Long enough that no real heartbeat lands while the test moves the clock.
        settings["Currant:Worker:HeartbeatInterval"] = "20s";
        settings["Currant:Worker:HeartbeatTimeout"] = "60s";
        using var host = Build(settings, withWorker: true, clock);
        await host.StartAsync();

        var fresh = await CheckAsync(host);
        clock.Shift = TimeSpan.FromSeconds(45);
        var missedOne = await CheckAsync(host);
        clock.Shift = TimeSpan.FromSeconds(61);
        var silent = await CheckAsync(host);
        await host.StopAsync();
        var stopped = await CheckAsync(host);

        Assert.That(fresh.Entries["currant-worker"].Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(missedOne.Entries["currant-worker"].Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(missedOne.Entries["currant-worker"].Description, Does.Contain("missed a heartbeat"));
        Assert.That(silent.Entries["currant-worker"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(silent.Entries["currant-worker"].Description, Does.Contain("other workers may take its executions"));
        Assert.That(stopped.Entries["currant-worker"].Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(stopped.Entries["currant-worker"].Description, Does.Contain("not running"));
    }

    [Test]
    public async Task AddCurrantHealthChecks_WithoutAddCurrant_SaysWhatIsMissing()
    {
        var builder = TestHosts.Builder();
        builder.Services.AddHealthChecks().AddCurrant();
        using var host = builder.Build();

        var report = await CheckAsync(host);

        Assert.That(report.Entries["currant-database"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["currant-database"].Exception?.Message, Does.Contain("services.AddCurrant("));
    }
}
