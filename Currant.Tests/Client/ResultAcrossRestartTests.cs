using Currant.Development;
using Currant.Tests.Jobs;
using Npgsql;

namespace Currant.Tests.Client;

/// <summary>A caller waiting on a result while the database restarts, on a server of the test's own.</summary>
public sealed class ResultAcrossRestartTests
{
    [Test]
    public async Task GetResult_AcrossAnImmediateDatabaseRestart_ReconnectsAndReturnsTheResult()
    {
        // Durable: with synchronous_commit off an immediate stop may lose the last commits, this enqueue among them.
        await using var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = true });
        await using var callerSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var caller = CurrantClient.Create(callerSource);
        await caller.MigrateAsync();
        var queue = "restart";
        var handle = await Greet.Options(queue: queue, client: caller).Queue("after the restart");

        var result = handle.GetResultAsync(TimeSpan.FromSeconds(90));
        await caller.Listener!.Ready;
        await server.StopImmediatelyAsync();
        await server.StartAgainAsync();
        Assert.That(result.IsCompleted, Is.False, "still waiting: the restart is not an answer");

        // The worker is another process in real life: a client of its own, connected after the restart.
        await using var workerSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var workerClient = CurrantClient.Create(workerSource);
        await using var worker = await workerClient.StartWorkerAsync(new WorkerOptions { Queues = [queue], PollInterval = TimeSpan.FromMilliseconds(200) });

        Assert.That((await result).Text, Is.EqualTo("Hello, after the restart!"));
    }
}
