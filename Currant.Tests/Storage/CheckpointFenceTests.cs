using Npgsql;
using Currant.Persistence;
using Currant.Workflows;

namespace Currant.Tests.Storage;

/// <summary>
/// A checkpoint (the steps a running workflow committed before its next inline step) is fenced by (worker,
/// activation) and by cancellation. One step's history row carries the fence in its own statement
/// (WorkflowQueries.FencedHistoryRow); several rows take the fence as a statement of its own. Either way a refused
/// checkpoint writes nothing, and in a group commit it holds back no other workflow's. Several checkpoints of an
/// activity that ran inside the activation share one statement for their history rows and one for the activities'
/// rows (WorkflowQueries.FencedHistoryRows, InsertRanChildren), with the same outcome as one at a time.
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

    [TestCase(1, "1|step|step-1|completed|42")]
    [TestCase(2, "1|step|step-1|completed|42;2|step|step-2|completed|42")]
    public async Task GroupCommit_OfStepCheckpoints_WritesEachStepAsAloneWouldHave(int steps, string rows)
    {
        var (alone, aloneWorker) = await RunningWorkflowAsync();
        var together = new[] { await RunningWorkflowAsync(), await RunningWorkflowAsync(), await RunningWorkflowAsync() };

        var single = await Client.Store.CommitCheckpointsAsync([Checkpoint(alone, aloneWorker, Activation, steps)], CancellationToken.None);
        var group = await Client.Store.CommitCheckpointsAsync([.. together.Select(w => Checkpoint(w.Id, w.Worker, Activation, steps))], CancellationToken.None);

        Assert.That(single.Concat(group).Select(o => o.Outcome), Is.All.EqualTo(ActivationOutcome.Committed));
        var expected = await HistoryAsync(alone);
        Assert.That(expected, Is.EqualTo(rows));
        foreach (var (id, _) in together)
        {
            Assert.That(await HistoryAsync(id), Is.EqualTo(expected));
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task GroupCommit_OfStepCheckpoints_WithOneAskedToCancel_WritesTheOthers(int steps)
    {
        var (first, firstWorker) = await RunningWorkflowAsync();
        var (cancelled, cancelledWorker) = await RunningWorkflowAsync(cancelRequested: true);
        var (last, lastWorker) = await RunningWorkflowAsync();

        var outcomes = await Client.Store.CommitCheckpointsAsync(
            [Checkpoint(first, firstWorker, Activation, steps), Checkpoint(cancelled, cancelledWorker, Activation, steps), Checkpoint(last, lastWorker, Activation, steps)],
            CancellationToken.None);

        Assert.That(outcomes.Select(o => o.Outcome), Is.EqualTo(new[] { ActivationOutcome.Committed, ActivationOutcome.Cancelled, ActivationOutcome.Committed }));
        Assert.That(new[] { await HistoryRowsAsync(first), await HistoryRowsAsync(cancelled), await HistoryRowsAsync(last) }, Is.EqualTo(new[] { steps, 0, steps }));
    }

    // With its start row too: a workflow's first checkpoint records its start and its first step.
    [TestCase(false)]
    [TestCase(true)]
    public async Task GroupCommit_OfStepsWithTheActivityThatRanForThem_WritesEachActivityAsAloneWouldHave(bool withStart)
    {
        var (alone, aloneWorker) = await RunningWorkflowAsync();
        var together = new[] { await RunningWorkflowAsync(), await RunningWorkflowAsync(), await RunningWorkflowAsync() };
        var (fenced, fencedWorker) = await RunningWorkflowAsync();

        var single = await Client.Store.CommitCheckpointsAsync([ActivityStep(alone, aloneWorker, Activation, withStart)], CancellationToken.None);
        var group = await Client.Store.CommitCheckpointsAsync(
            [.. together.Select(w => ActivityStep(w.Id, w.Worker, Activation, withStart)), ActivityStep(fenced, fencedWorker, Activation + 1, withStart)],
            CancellationToken.None);

        Assert.That(single.Select(o => o.Outcome), Is.All.EqualTo(ActivationOutcome.Committed));
        Assert.That(group.Select(o => o.Outcome), Is.EqualTo(new[]
        {
            ActivationOutcome.Committed, ActivationOutcome.Committed, ActivationOutcome.Committed, ActivationOutcome.Fenced,
        }));
        var expected = await ActivityRowAsync(alone);
        Assert.That(expected, Does.StartWith("activity|Tests.Ran|q-ran|5|completed|[7]|\"seven\"||1|0|3|2500|t|t|2|00-trace-01|"), expected);
        var history = await HistoryAsync(alone);
        Assert.That(history, Does.EndWith("2|activity|Tests.Ran|completed|" + await ScalarAsync<Guid>("SELECT id FROM currant.executions WHERE parent_id = @id", ("id", alone)) + "|\"seven\""));
        foreach (var (id, _) in together)
        {
            Assert.That(await ActivityRowAsync(id), Is.EqualTo(expected));
            Assert.That(await HistoryRowsAsync(id), Is.EqualTo(withStart ? 2 : 1));
            Assert.That((await HistoryAsync(id)).Split(';').Select(r => string.Join('|', r.Split('|').Where((_, i) => i != 4))),
                Is.EqualTo(history.Split(';').Select(r => string.Join('|', r.Split('|').Where((_, i) => i != 4)))), "the same rows but for the child's id");
        }

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE parent_id = @id", ("id", fenced)), Is.Zero);
        Assert.That(await HistoryRowsAsync(fenced), Is.Zero);
    }

    private static Checkpoint ActivityStep(Guid id, Guid worker, int fence, bool withStart)
    {
        var child = new NewChild(Guid.CreateVersion7(), ExecutionKind.Activity, "Tests.Ran", "q-ran", 5, "[7]", 3, TimeSpan.FromSeconds(2.5), TimeSpan.Zero,
            ParentSeq: 2, IdempotencyKey: null, Eager: true,
            Ran: new RanAttempt(ExecutionState.Completed, "\"seven\"", null, DateTime.UtcNow.AddMilliseconds(-3), Spent: true),
            RetryPolicy: null, HeartbeatTimeout: TimeSpan.FromSeconds(9));
        var row = new NewHistoryRow(2, "activity", "Tests.Ran", HistoryEvent.Completed, child.Id, "\"seven\"", null, DateTime.UtcNow);
        NewHistoryRow[] rows = withStart ? [new NewHistoryRow(0, "start", "Tests.Checkpointed", HistoryEvent.Completed, null, null, null, DateTime.UtcNow), row] : [row];
        return new Checkpoint(id, worker, fence, new ActivationCommands(rows, [child], []), TraceContext: "00-trace-01");
    }

    private async Task<string> HistoryAsync(Guid id)
        => await ScalarAsync<string>(
            "SELECT string_agg(concat_ws('|', seq, kind, name, state, child_id, result, error), ';' ORDER BY seq) FROM currant.history WHERE workflow_id = @id",
            ("id", id));

    private async Task<string> ActivityRowAsync(Guid id)
        => await ScalarAsync<string>(
            """
            SELECT concat_ws('|', kind, name, queue, priority, state, args, result, coalesce(error::text, ''), attempt, activations, max_attempts,
                             timeout_ms, scheduled_at <= now(), completed_at IS NOT NULL AND started_at < completed_at, parent_seq, trace_context,
                             coalesce(retry_policy::text, ''), heartbeat_timeout_ms, coalesce(heartbeat_details::text, ''), worker_id IS NULL)
            FROM currant.executions WHERE parent_id = @id
            """, ("id", id));

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
