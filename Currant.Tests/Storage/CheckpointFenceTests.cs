using Npgsql;
using Currant.Persistence;
using Currant.Workflows;

namespace Currant.Tests.Storage;

/// <summary>
/// A checkpoint (the steps a running workflow committed before its next inline step) is fenced by (worker,
/// activation) and by cancellation. One step's history row carries the fence in its own statement
/// (WorkflowQueries.FencedHistoryRow); several rows take the fence as a statement of its own. Either way a refused
/// checkpoint writes nothing, and in a group commit it holds back no other workflow's.
/// </summary>
public sealed class CheckpointFenceTests : CurrantFixture
{
    private const int Activation = 3;

    [TestCase(1)]
    [TestCase(2)]
    public async Task Checkpoint_OfTheWorkerHoldingTheActivation_IsWritten(int steps)
    {
        var (id, worker) = await RunningWorkflowAsync();

        var outcomes = await Client.Store.CommitCheckpointsAsync([Checkpoint(id, worker, Activation, steps)], CancellationToken.None);

        Assert.That(outcomes.Single().Outcome, Is.EqualTo(ActivationOutcome.Committed));
        Assert.That(await HistoryRowsAsync(id), Is.EqualTo(steps));
    }

    [TestCase(1, false, true)]
    [TestCase(1, true, false)]
    [TestCase(2, false, true)]
    [TestCase(2, true, false)]
    public async Task Checkpoint_OfAStaleActivationOrAnotherWorker_IsFencedAndWritesNothing(int steps, bool otherWorker, bool staleActivation)
    {
        var (id, worker) = await RunningWorkflowAsync();

        var outcomes = await Client.Store.CommitCheckpointsAsync(
            [Checkpoint(id, otherWorker ? Guid.CreateVersion7() : worker, staleActivation ? Activation - 1 : Activation, steps)], CancellationToken.None);

        Assert.That(outcomes.Single().Outcome, Is.EqualTo(ActivationOutcome.Fenced));
        Assert.That(await HistoryRowsAsync(id), Is.Zero);
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Checkpoint_OfAWorkflowAskedToCancel_IsRefusedAsCancelledAndWritesNothing(int steps)
    {
        var (id, worker) = await RunningWorkflowAsync(cancelRequested: true);

        var outcomes = await Client.Store.CommitCheckpointsAsync([Checkpoint(id, worker, Activation, steps)], CancellationToken.None);

        Assert.That(outcomes.Single().Outcome, Is.EqualTo(ActivationOutcome.Cancelled));
        Assert.That(await HistoryRowsAsync(id), Is.Zero);
    }

    [Test]
    public async Task GroupCommit_WithOneFencedCheckpoint_WritesTheOthers()
    {
        var (first, firstWorker) = await RunningWorkflowAsync();
        var (fenced, fencedWorker) = await RunningWorkflowAsync();
        var (last, lastWorker) = await RunningWorkflowAsync();

        var outcomes = await Client.Store.CommitCheckpointsAsync(
            [Checkpoint(first, firstWorker, Activation, 1), Checkpoint(fenced, fencedWorker, Activation + 1, 1), Checkpoint(last, lastWorker, Activation, 1)],
            CancellationToken.None);

        Assert.That(outcomes.Select(o => o.Outcome), Is.EqualTo(new[] { ActivationOutcome.Committed, ActivationOutcome.Fenced, ActivationOutcome.Committed }));
        Assert.That(new[] { await HistoryRowsAsync(first), await HistoryRowsAsync(fenced), await HistoryRowsAsync(last) }, Is.EqualTo(new[] { 1, 0, 1 }));
    }

    private static Checkpoint Checkpoint(Guid id, Guid worker, int fence, int steps)
    {
        var rows = Enumerable.Range(1, steps)
            .Select(seq => new NewHistoryRow(seq, "step", $"step-{seq}", HistoryEvent.Completed, null, "42", null, DateTime.UtcNow))
            .ToArray();
        return new Checkpoint(id, worker, fence, new ActivationCommands(rows, [], []), TraceContext: null);
    }

    private async Task<(Guid Id, Guid Worker)> RunningWorkflowAsync(bool cancelRequested = false)
    {
        var (id, worker) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO currant.executions (id, kind, name, queue, state, attempt, activations, worker_id, started_at, cancel_requested)
            VALUES (@id, 'workflow', 'Tests.Checkpointed', @queue, 'running', 1, @activation, @worker, now(), @cancel)
            """, connection);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("queue", NewQueue());
        insert.Parameters.AddWithValue("activation", Activation);
        insert.Parameters.AddWithValue("worker", worker);
        insert.Parameters.AddWithValue("cancel", cancelRequested);
        await insert.ExecuteNonQueryAsync();
        return (id, worker);
    }

    private async Task<long> HistoryRowsAsync(Guid id)
        => await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", id));
}
