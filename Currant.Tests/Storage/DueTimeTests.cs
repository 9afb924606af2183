using Currant.Persistence;
using Currant.Tests.Jobs;

namespace Currant.Tests.Storage;

/// <summary>
/// The store's side of "timers are on time" (db/0004): the next-due query every claim carries, the currant_due
/// announcements of rows written not due yet, and the due index that rows enqueued due now never enter.
/// </summary>
public sealed class DueTimeTests : CurrantFixture
{
    [Test]
    public async Task Claim_WithRowsNotYetDue_ReportsHowLongUntilTheEarliestOfItsQueues()
    {
        var (a, b, other) = (NewQueue("a"), NewQueue("b"), NewQueue("other"));
        await Greet.Options(queue: a, delay: TimeSpan.FromSeconds(30), client: Client).Queue("a-late");
        await Greet.Options(queue: a, delay: TimeSpan.FromSeconds(20), client: Client).Queue("a-early");
        var dueNow = await Greet.Options(queue: a, client: Client).Queue("a-now");
        await Greet.Options(queue: b, delay: TimeSpan.FromSeconds(10), client: Client).Queue("b");
        await Greet.Options(queue: other, delay: TimeSpan.FromSeconds(1), client: Client).Queue("not asked for");
        await using var session = Client.Store.OpenClaimSession();
        var workerId = Guid.CreateVersion7();

        var (claimed, nextDue) = await session.ClaimAsync(workerId, [a], 10, keepSlot: null, CancellationToken.None);

        Assert.That(claimed.Select(c => c.Id), Is.EqualTo(new[] { dueNow.Id }), "the due row is claimed, the others wait");
        Assert.That(nextDue, Is.GreaterThan(TimeSpan.FromSeconds(10)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(20)), "the earliest of queue a");
        Assert.That((await session.ClaimAsync(workerId, [a, b], 10, keepSlot: null, CancellationToken.None)).NextDue,
            Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(10)), "the earliest of queues a and b");
        Assert.That((await session.ClaimAsync(workerId, [NewQueue("empty")], 10, keepSlot: null, CancellationToken.None)).NextDue, Is.Null);
    }

    [Test]
    public async Task Enqueue_WithADelay_TellsListeningWorkersWhenItIsDue()
    {
        var queue = NewQueue();
        await using var listener = await DueListener.StartAsync(ConnectionString);

        await Greet.Options(queue: queue, client: Client).Queue("now");
        await Greet.Options(queue: queue, delay: TimeSpan.FromSeconds(20), client: Client).Queue("later");

        var announced = await listener.WaitForAsync(queue);
        Assert.That(announced, Has.Count.EqualTo(1), "only the delayed row is announced on currant_due (and before it, nothing for the row due now)");
        Assert.That(announced[0], Is.GreaterThan(TimeSpan.FromSeconds(10)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Enqueue_WithARunAt_TellsListeningWorkersWhenItIsDue()
    {
        var queue = NewQueue();
        await using var listener = await DueListener.StartAsync(ConnectionString);

        await Greet.Options(queue: queue, runAt: DateTimeOffset.UtcNow.AddSeconds(20), client: Client).Queue("later");

        var announced = await listener.WaitForAsync(queue);
        Assert.That(announced.Single(), Is.GreaterThan(TimeSpan.FromSeconds(10)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(21)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task QueueMany_WithADelay_TellsListeningWorkersOnceWhenTheyAreDue(bool withKeys)
    {
        var queue = NewQueue();
        await using var listener = await DueListener.StartAsync(ConnectionString);

        // Without keys the rows go by COPY, with keys by an insert that skips taken keys.
        await Greet.Options(queue: queue, delay: TimeSpan.FromSeconds(20), idempotencyKey: withKeys ? NewKey() : null, client: Client).QueueMany(["a", "b"]);

        var announced = await listener.WaitForAsync(queue);
        Assert.That(announced.Single(), Is.GreaterThan(TimeSpan.FromSeconds(10)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Complete_OfARetryAfterABackoff_TellsListeningWorkersWhenItIsDue()
    {
        var queue = NewQueue();
        var workerId = Guid.CreateVersion7();
        await Greet.Options(queue: queue, client: Client).Queue("fails once");
        await using var session = Client.Store.OpenClaimSession();
        var row = (await session.ClaimAsync(workerId, [queue], 1, keepSlot: null, CancellationToken.None)).Rows.Single();
        await using var listener = await DueListener.StartAsync(ConnectionString);

        var error = CurrantStore.SerializeError(new ExecutionError("System.Exception", "boom", null));
        var accepted = await Client.Store.CompleteAsync(workerId, [new Completion(row.Id, row.Attempt, ExecutionState.Pending, null, error, TimeSpan.FromSeconds(20), false)], CancellationToken.None);

        Assert.That(accepted, Does.Contain(row.Id));
        var announced = await listener.WaitForAsync(queue);
        Assert.That(announced.Single(), Is.GreaterThan(TimeSpan.FromSeconds(10)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task RowsEnqueuedDueNow_EvenInBulkInsideALongerTransaction_StayOutOfTheDueIndex()
    {
        var queue = NewQueue();
        await using (var connection = await Client.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            // The transaction's now() is taken here, before the client reads its clock for the COPY.
            await using (var first = new Npgsql.NpgsqlCommand("SELECT now()", connection, transaction))
            {
                await first.ExecuteScalarAsync();
            }

            await Greet.Options(queue: queue, transaction: transaction, client: Client).QueueMany(["a", "b", "c"]);
            await Greet.Options(queue: queue, transaction: transaction, client: Client).Queue("d");
            await transaction.CommitAsync();
        }

        // The predicate of executions_due_idx: a row due at once has scheduled_at = created_at.
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND scheduled_at > created_at", ("q", queue)), Is.Zero);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q", ("q", queue)), Is.EqualTo(4));
    }
}
