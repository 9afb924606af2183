using Npgsql;
using NpgsqlTypes;
using Currant.Persistence.Queries;

namespace Currant.Tests.Storage;

/// <summary>
/// An activation loads its workflow's wake counter, history and buffered signals in one batch, each statement with its
/// own snapshot. A wake (a signal, an activity's outcome) that commits between those statements must never be counted
/// by the counter while its signal or outcome is missing from what was loaded: the activation would suspend believing
/// it had seen that wake, and nothing would run the workflow again (the intermittent "two signals back to back, never
/// finished"). The tests hold <c>currant.executions</c> locked so the counter's read waits, commit the wake, and then
/// look at what the load saw.
/// </summary>
public sealed class WorkflowLoadTests : CurrantFixture
{
    [Test]
    public async Task Load_WhileASignalCommits_NeverCountsTheSignalsWakeWithoutTheSignal()
    {
        var id = await RunningWorkflowAsync();

        var state = await LoadWhileAWakeCommitsAsync(id, async (connection, transaction) =>
        {
            await using var signal = new NpgsqlCommand(WorkflowQueries.Signal, connection, transaction);
            signal.Parameters.AddWithValue("id", id);
            signal.Parameters.AddWithValue("name", "number");
            signal.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, "4");
            await signal.ExecuteNonQueryAsync();
        });

        Assert.That((state.WakeCount, state.Signals.Count), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task Load_WhileAnActivitysOutcomeCommits_NeverCountsItsWakeWithoutTheOutcome()
    {
        var id = await RunningWorkflowAsync();
        var activity = Guid.CreateVersion7();
        await ScalarAsync<int>(
            """
            WITH step AS (
                INSERT INTO currant.history (workflow_id, seq, kind, name, state, child_id) VALUES (@id, 1, 'activity', 'Tests.Step', 'scheduled', @activity)
            ), child AS (
                INSERT INTO currant.executions (id, kind, name, queue, state, attempt, parent_id, parent_seq)
                VALUES (@activity, 'activity', 'Tests.Step', 'q', 'running', 1, @id, 1)
            )
            SELECT 1
            """,
            ("id", id), ("activity", activity));

        var state = await LoadWhileAWakeCommitsAsync(id, async (connection, transaction) =>
        {
            // The child_finished trigger records the outcome in the history and moves the counter.
            await using var complete = new NpgsqlCommand("UPDATE currant.executions SET state = 'completed', result = '42' WHERE id = @activity", connection, transaction);
            complete.Parameters.AddWithValue("activity", activity);
            await complete.ExecuteNonQueryAsync();
        });

        Assert.That((state.WakeCount, state.History.Single().State), Is.EqualTo((1, "completed")));
    }

    /// <summary>
    /// Starts the load while a transaction holds the executions table, waits until the load waits for that lock (the
    /// counter's read), commits the wake in that transaction, and returns what the load saw.
    /// </summary>
    private async Task<global::Currant.Workflows.WorkflowState> LoadWhileAWakeCommitsAsync(Guid id, Func<NpgsqlConnection, NpgsqlTransaction, Task> wake)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE currant.executions IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var load = Client.Store.LoadWorkflowAsync(id, null, CancellationToken.None, withUpdates: true);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'currant.executions'::regclass") == 0)
        {
            Assert.That(load.IsCompleted, Is.False, "the load finished without reading currant.executions");
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the load never waited for currant.executions");
            await Task.Delay(10);
        }

        await wake(connection, transaction);
        await transaction.CommitAsync();
        return await load.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<Guid> RunningWorkflowAsync()
    {
        var id = Guid.CreateVersion7();
        await ScalarAsync<int>(
            """
            WITH wf AS (
                INSERT INTO currant.executions (id, kind, name, queue, state, attempt, activations, worker_id, started_at)
                VALUES (@id, 'workflow', 'Tests.Loaded', @queue, 'running', 1, 2, @worker, now())
            )
            SELECT 1
            """,
            ("id", id), ("queue", NewQueue()), ("worker", Guid.CreateVersion7()));
        return id;
    }
}
