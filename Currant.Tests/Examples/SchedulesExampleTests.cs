namespace Currant.Tests.Examples;

/// <summary>The schedules example (README "Schedules") must keep working: run the built example against a fresh database.</summary>
public sealed class SchedulesExampleTests
{
    [Test]
    public async Task Schedules_AgainstAFreshDatabase_RunsEveryStepAndExitsCleanly()
    {
        var database = await TestDatabase.CreateDatabaseAsync("schedulesexample");

        var (exitCode, output) = await ProcessRun.DotnetAsync(
            RepoPaths.Output("examples/Schedules", "Schedules.dll"), [],
            new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Match(@"1\. \[Schedule\] NightlyReport: '0 3 \* \* \*' in Europe/Berlin, next run \d{4}-\d\d-\d\d 0[12]:00:00Z"));
        Assert.That(output, Does.Contain("[digest] sent to ana@example.com"));
        Assert.That(output, Does.Match(@"2\. digest-ana fired [2-9] times"));
        Assert.That(output, Does.Match(@"3\. paused, then triggered once by hand: run [0-9a-f-]{36} completed"));
        Assert.That(output, Does.Match(@"digest-ana\s+SendDigest\s+\*/2 \* \* \* \* \*\s+UTC\s+paused"));
        Assert.That(output, Does.Match(@"digest-bo\s+SendDigest\s+0 8 \* \* MON-FRI\s+America/New_York\s+active"));
        Assert.That(output, Does.Contain("4. deleted; 1 schedule left (NightlyReport, kept by its attribute)"));
        Assert.That(output, Does.Contain("Schedules example finished."));
    }
}
