using Npgsql;

namespace Currant.Tests.LongLived;

/// <summary>
/// Signals and updates addressed to the first run of a continue-as-new chain reach its last run (db/0015), from the
/// .NET client and from the SQL API, as a Temporal signal or update addressed by workflow id reaches the current run.
/// </summary>
public sealed class ChainAddressingTests : CurrantFixture
{
    [Test]
    public async Task UpdatesAndSqlSignals_ToTheFirstRunsId_ReachTheLastRunOfTheChain()
    {
        var queue = NewQueue("chain");
        await using var worker = await StartWorkerAsync(queue);
        var h = await ChainedTally.Options(queue: queue, client: Client).Queue(0, 2, 0);
        await WaitForRunAsync(h.Id, 0);

        Assert.That(await h.Updates.Add(1), Is.EqualTo(1));
        await h.Signals.Next("client");
        var second = await WaitForRunAsync(h.Id, 1);

        // The typed handle still names the first run, which has ended ('completed', continued).
        Assert.That(await h.Updates.Add(2), Is.EqualTo(3), "the update reached run 1 through the first id");
        Assert.That(await h.Queries.Tally(), Is.EqualTo(3), "a query to the first id is answered by run 1");
        Assert.That(await ScalarAsync<Guid>("SELECT workflow_id FROM currant.updates WHERE workflow_id IN (@a, @b) AND args = '2'", ("a", h.Id), ("b", second)),
            Is.EqualTo(second));

        await SqlAsync("SELECT currant.send_signal(@id, 'Next', '\"sql\"')", ("id", h.Id));
        var third = await WaitForRunAsync(h.Id, 2);
        Assert.That(await h.Updates.Add(4), Is.EqualTo(7));
        await SqlAsync("SELECT currant.send_signal(@id, 'Next', '\"sql again\"')", ("id", h.Id));

        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo(7));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id", ("id", third)), Is.EqualTo(1),
            "the SQL signal sent to the first id was stored for the last run");

        var late = (await Assert.ThrowsAsync<PostgresException>(async () => await SqlAsync("SELECT currant.send_signal(@id, 'Next', '\"late\"')", ("id", h.Id))))!;
        Assert.That(late.MessageText, Does.Contain($"workflow {h.Id} has already finished (completed), its last run being {third}"));
        var lateUpdate = await Assert.ThrowsAsync<InvalidOperationException>(async () => await h.Updates.Add(8));
        Assert.That(lateUpdate!.Message, Does.Contain("has already finished (completed)"));
    }

    [Test]
    public async Task Update_RepeatedWithItsIdAfterTheRunContinuedAsNew_ReturnsTheFirstResultAndRunsOnce()
    {
        var queue = NewQueue("chain");
        await using var worker = await StartWorkerAsync(queue);
        var h = await ChainedTally.Options(queue: queue, client: Client).Queue(0, 1, 10);
        await WaitForRunAsync(h.Id, 0);

        Assert.That(Number(await Client.UpdateAsync(h.Id, "Add", Json(5), updateId: "order-5")), Is.EqualTo(15));
        await h.Signals.Next("go");
        var second = await WaitForRunAsync(h.Id, 1);

        Assert.That(Number(await Client.UpdateAsync(h.Id, "Add", Json(5), updateId: "order-5")), Is.EqualTo(15), "found on run 0, not stored again");
        Assert.That(Number(await Client.UpdateAsync(second, "Add", Json(1), updateId: "order-1")), Is.EqualTo(16));
        await h.Signals.Next("done");

        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo(16), "the repeated update ran once");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.updates WHERE update_id = 'order-5' AND workflow_id IN (@a, @b)", ("a", h.Id), ("b", second)),
            Is.EqualTo(1));
    }

    [Test]
    public async Task ContinueAsNew_CarriesUpdatesTheOldRunNeverTook_ToTheNewRun()
    {
        // No worker yet: the update stays 'requested' on run 0 (the caller times out, as documented, and can call again).
        var queue = NewQueue("chain");
        var h = await ChainedTally.Options(queue: queue, client: Client).Queue(0, 1, 100);
        await Assert.ThrowsAsync<TimeoutException>(async () => await Client.UpdateAsync(h.Id, "Add", Json(7), updateId: "early", timeout: TimeSpan.FromMilliseconds(200)));

        // Run 0 continues as new with the update untaken (as when it arrives while the continuing activation commits).
        var next = Guid.CreateVersion7();
        await SqlAsync("SELECT currant.continue_as_new(@run, @next, '[1, 1, 100]')", ("run", h.Id), ("next", next));
        await SqlAsync("UPDATE currant.executions SET state = 'completed', completed_at = now() WHERE id = @run", ("run", h.Id));
        Assert.That(await ScalarAsync<Guid>("SELECT workflow_id FROM currant.updates WHERE update_id = 'early' AND workflow_id IN (@a, @b)", ("a", h.Id), ("b", next)),
            Is.EqualTo(next));

        await using var worker = await StartWorkerAsync(queue);
        Assert.That(Number(await Client.UpdateAsync(h.Id, "Add", Json(7), updateId: "early", timeout: Wait)), Is.EqualTo(107), "the new run took the carried update");
        await h.Signals.Next("done");
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo(107));
    }

    [Test]
    public async Task SignalFromWorkflowCode_ToTheFirstRunsId_ReachesTheLastRun()
    {
        var queue = NewQueue("chain");
        await using var worker = await StartWorkerAsync(queue);
        var h = await ChainedTally.Options(queue: queue, client: Client).Queue(0, 1, 3);
        await WaitForRunAsync(h.Id, 0);
        await h.Signals.Next("client");
        var second = await WaitForRunAsync(h.Id, 1);

        var closer = await TallyCloser.Options(queue: queue, client: Client).Queue(h.Id);

        Assert.That(await closer.GetResultAsync(Wait), Is.EqualTo("sent"));
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo(3), "run 1 took the signal sent to run 0's id");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.signals WHERE workflow_id = @id AND payload = '\"from a workflow\"'", ("id", second)),
            Is.EqualTo(1));
    }

    private static byte[] Json(int n) => System.Text.Encoding.UTF8.GetBytes(n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static int Number(byte[]? json) => int.Parse(System.Text.Encoding.UTF8.GetString(json!), System.Globalization.CultureInfo.InvariantCulture);

    private async Task SqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Client.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until the chain's last run is run number <paramref name="run"/> (its first argument) and waits for a signal; returns its id.</summary>
    private async Task<Guid> WaitForRunAsync(Guid first, int run)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var id = await ScalarAsync<Guid>("SELECT currant.latest_run(@id)", ("id", first));
            var info = await Client.GetExecutionAsync(id);
            if (info is { State: ExecutionState.Suspended } && info.Arguments!.StartsWith($"[{run},", StringComparison.Ordinal))
            {
                return id;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
