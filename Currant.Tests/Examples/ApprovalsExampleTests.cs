namespace Currant.Tests.Examples;

/// <summary>The approvals example (README "Signals, queries and updates") must keep working against a fresh database.</summary>
public sealed class ApprovalsExampleTests
{
    [Test]
    public async Task Approvals_AgainstAFreshDatabase_SignalsUpdatesQueriesAndFinishes()
    {
        var database = await TestDatabase.CreateDatabaseAsync("approvals");

        var (exitCode, output) = await ProcessRun.DotnetAsync(
            RepoPaths.Output("examples/Approvals", "Approvals.dll"), [],
            new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("same workflow = True"));
        Assert.That(output, Does.Contain("2. update AddApprover(bo) returned 2"));
        Assert.That(output, Does.Contain("3. rejected: bo has approved already."));
        Assert.That(output, Does.Contain("4. status: waiting (2 approvals)"));
        Assert.That(output, Does.Contain("5. result: doc-42 approved by ana, bo, cy"));
        Assert.That(output, Does.Match(@"signal-handled\s+Approve\s+completed"));
        Assert.That(output, Does.Match(@"update\s+AddApprover\s+completed"));
        Assert.That(output, Does.Contain("Approvals finished."));
    }
}
