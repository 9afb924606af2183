using System.Text;
using Npgsql;

namespace Currant.Tests.Examples;

/// <summary>The Generic Host worker example, run as a real process configured by its appsettings.json.</summary>
public sealed class WorkerServiceExampleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static string Dll => RepoPaths.Output("examples/WorkerService", "WorkerService.dll");

    [Test]
    public async Task Service_RunsItsJobsWithTheHostsSettings_AndStopsGracefullyOnSigterm()
    {
        var database = await TestDatabase.CreateDatabaseAsync("workerservice");
        await using var app = AppProcess.Start(Dll, [], new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database });

        await app.WaitForLineAsync(l => l.Contains("3 reports ready; the worker keeps serving", StringComparison.Ordinal), Wait);
        var exitCode = await app.TerminateAsync(Wait);

        Assert.That(exitCode, Is.Zero, app.Output);
        Assert.That(app.Output, Does.Contain("started on queues reports,emails with concurrency 4"), "queues and concurrency from appsettings.json");
        Assert.That(app.Output, Does.Contain($"Currant applied {Currant.Persistence.Migrator.All.Count} migration(s)"), "MigrateOnStartup from appsettings.json");
        Assert.That(app.Output, Does.Contain("Report sales-3 ready"));
        Assert.That(app.Output, Does.Contain("Application is shutting down").And.Contain(" stopped"));
    }

    [Test]
    public async Task Commands_RunThroughTheService_WithItsDatabaseAndRegistrations()
    {
        var database = await TestDatabase.CreateDatabaseAsync("workerservicecli");
        var environment = new Dictionary<string, string?> { ["CURRANT_DATABASE_URL"] = database };

        var (migrateCode, migrateOutput) = await AppProcess.RunAsync(Dll, ["migrate"], environment);
        Assert.That(migrateCode, Is.Zero, migrateOutput);
        Assert.That(migrateOutput, Does.Contain($"Applied {Currant.Persistence.Migrator.All.Count} migration(s): 0001_init, 0002_workflows"));

        await using var worker = AppProcess.Start(Dll, ["worker", "-q", "emails", "-c", "2"], environment);
        await worker.WaitForLineAsync(l => l.Contains("serving [emails] with concurrency 2", StringComparison.Ordinal), Wait);
        Assert.That(worker.Output, Does.Contain("knows: GenerateReport, SendDigest"));

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var client = CurrantClient.Create(dataSource);
        // The test does not reference the example, so it names the job as the database does.
        var digest = new ExecutionDefinition { Name = "SendDigest", Kind = ExecutionKind.Job, Invoke = _ => default };
        var id = await client.EnqueueAsync(digest, Encoding.UTF8.GetBytes("""["ops@example.com","from the test"]"""), new EnqueueOptions { Queue = "emails" });
        var info = await client.WaitForCompletionAsync(id, Wait);
        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed), info.Error?.Message + "\n" + worker.Output);
        await worker.WaitForLineAsync(l => l.Contains("Digest 'from the test' sent to ops@example.com", StringComparison.Ordinal), Wait);

        Assert.That(await worker.TerminateAsync(Wait), Is.Zero, worker.Output);
        Assert.That(worker.Output, Does.Contain("Stopping: finishing in-flight executions"));

        var (listCode, listOutput) = await AppProcess.RunAsync(Dll, ["list", "--queue", "emails", "--json"], environment);
        Assert.That(listCode, Is.Zero, listOutput);
        Assert.That(listOutput, Does.Contain(id.ToString()));
    }
}
