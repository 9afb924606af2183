namespace Currant.Tests.Examples;

/// <summary>The retry-policy and heartbeat example (README "Retry policies and heartbeats"), run against a fresh database.</summary>
public sealed class RetriesAndHeartbeatsExampleTests
{
    [Test]
    public async Task RetriesAndHeartbeats_AgainstAFreshDatabase_PollsBacksOffAndResumesFromTheLastHeartbeat()
    {
        var database = await TestDatabase.CreateDatabaseAsync("retries");

        var (exitCode, output) = await ProcessRun.DotnetAsync(
            RepoPaths.Output("examples/RetriesAndHeartbeats", "RetriesAndHeartbeats.dll"), [],
            new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("1. order-7 shipped on attempt 3"));
        Assert.That(output, Does.Match(@"attempts started (0\.[89]|1\.[0-4]) s, (0\.[89]|1\.[0-4]) s apart"), "about a second apart, not the worker's doubling backoff");
        Assert.That(output, Does.Contain("2. catalog sync failed after 1 attempt: System.UnauthorizedAccessException is non-retryable"));
        Assert.That(output, Does.Contain("3. customers.csv: attempt 2 imported rows 5-10"));
        Assert.That(output, Does.Contain("first attempt: Attempt 1 of 'ImportRows' sent no heartbeat for 1 s (its HeartbeatTimeout)."));
        Assert.That(output, Does.Match(@"last heartbeat written: row ([5-9]|10) at "), "the retry's heartbeats went on from row 5");
        Assert.That(output, Does.Contain("RetriesAndHeartbeats finished."));
    }
}
