namespace Currant.Tests.Examples;

/// <summary>The README demo must keep working: run the built example against a fresh database.</summary>
public sealed class QuickStartExampleTests
{
    [Test]
    public async Task QuickStart_AgainstAFreshDatabase_RunsEveryStepAndExitsCleanly()
    {
        var database = await TestDatabase.CreateDatabaseAsync("quickstart");

        var (exitCode, output) = await ProcessRun.DotnetAsync(
            RepoPaths.Output("examples/QuickStart", "QuickStart.dll"), [],
            new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("1. job ").And.Contain("sent msg-"));
        Assert.That(output, Does.Contain("2. resized to cat-640w.png after 2 attempts"));
        Assert.That(output, Does.Contain("3. rolled back: job exists = False"));
        Assert.That(output, Does.Contain("4. same key, same execution: True"));
        Assert.That(output, Does.Contain("5. bulk-queued and ran 5 jobs"));
        Assert.That(output, Does.Contain("6. order order-123 charged as txn-"));
        Assert.That(output, Does.Match(@"1 activity ChargeCard\s+completed"));
        Assert.That(output, Does.Match(@"2 activity SendSms\s+completed"));
        Assert.That(output, Does.Contain("7. expense: approved by grace"));
        Assert.That(output, Does.Contain("8. expense: no decision in time: rejected"));
        Assert.That(output, Does.Contain("QuickStart finished."));
    }
}
