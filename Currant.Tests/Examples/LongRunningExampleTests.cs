namespace Currant.Tests.Examples;

/// <summary>The long-running example (continue-as-new, tags, Workflow.CancellationToken) must keep working.</summary>
public sealed class LongRunningExampleTests
{
    [Test]
    public async Task LongRunning_AgainstAFreshDatabase_RunsEveryFeatureAndExitsCleanly()
    {
        var database = await TestDatabase.CreateDatabaseAsync("longrunning");

        var (exitCode, output) = await ProcessRun.DotnetAsync(
            RepoPaths.Output("examples/LongRunning", "LongRunning.dll"), [],
            new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("1. synced 10 pages"));
        Assert.That(output, Does.Match(@"run [0-9a-f-]{36}: 4 steps, continued as new\s+run [0-9a-f-]{36}: 4 steps, continued as new\s+run [0-9a-f-]{36}: 2 steps, completed"));
        Assert.That(output, Does.Contain("progress=done: 1 run(s), the last is True"));
        Assert.That(output, Does.Contain("[seats] released seat-for-booking-"));
        Assert.That(output, Does.Contain("3. booking cancelled after its clean-up: activity ReserveSeat, signal paid, activity ReleaseSeat, cancel cancel"));
        Assert.That(output, Does.Contain("4. ledger after a rollover, through its first id: update -> 107, query -> 107"));
        Assert.That(output, Does.Contain("closed: 107, 200 (second ledger untouched)"));
        Assert.That(output, Does.Contain("LongRunning finished."));
    }
}
