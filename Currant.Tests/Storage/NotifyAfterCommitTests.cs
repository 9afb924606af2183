using System.Collections.Concurrent;
using Currant.Persistence;
using Currant.Workflows;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Currant.Tests.Storage;

/// <summary>
/// A commit of Currant's own that announces something (an enqueue, a workflow's last commit) commits first and sends
/// its NOTIFY after, in a transaction of its own (NotifyAfterCommit): PostgreSQL lets one notifying transaction at a
/// time through its commit, WAL flush included, so a NOTIFY inside a durable commit would hold every other one back.
/// What goes over the wire is read from Npgsql's own log of each batch; what is heard, from a LISTEN connection.
/// </summary>
public sealed class NotifyAfterCommitTests : CurrantFixture
{
    private const int Activation = 2;

    [Test]
    public async Task HandOff_CommitsItsRowBeforeTheNotifyThatCarriesIt()
    {
        var queue = NewQueue();
        var worker = Guid.NewGuid();
        await ScalarAsync<object>("""
            INSERT INTO currant.workers (id, hostname, pid, queues) VALUES (@id, 'test', 0, ARRAY[@queue]);
            INSERT INTO currant.worker_slots (worker_id, queues, ready, fresh_for) VALUES (@id, ARRAY[@queue], true, interval '11 seconds');
            SELECT 1
            """, ("id", worker), ("queue", queue));
        await using var store = LoggedStore();
        await using var listen = await ListenAsync(SharedNames.HandOffChannel);

        var id = await store.Store.InsertAsync(Row(queue), transaction: null, CancellationToken.None);

        var payload = await listen.NextAsync();
        Assert.That(HandOff.TryRead(payload, worker, out var handed), Is.True, payload);
        Assert.That(handed.Id, Is.EqualTo(id));
        AssertCommitsBeforeNotify(store.LastBatch());
    }

    [Test]
    public async Task PendingEnqueue_CommitsBeforeItsNotify_AndIsVisibleWhenHeard()
    {
        var queue = NewQueue();
        await using var store = LoggedStore();
        await using var listen = await ListenAsync(SharedNames.PendingChannel);

        // An idempotency key keeps it from being handed off: the plain insert and its pending NOTIFY.
        var id = await store.Store.InsertAsync(Row(queue) with { IdempotencyKey = NewKey() }, transaction: null, CancellationToken.None);

        Assert.That(await listen.NextAsync(), Is.EqualTo(queue));
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id)), Is.EqualTo("pending"));
        AssertCommitsBeforeNotify(store.LastBatch());
    }

    [Test]
    public async Task DelayedEnqueue_CommitsBeforeItsDueNotify_WhichCarriesTheDelay()
    {
        var queue = NewQueue();
        await using var store = LoggedStore();
        await using var listen = await ListenAsync(SharedNames.DueChannel);

        var id = await store.Store.InsertAsync(Row(queue) with { Delay = TimeSpan.FromSeconds(30) }, transaction: null, CancellationToken.None);

        Assert.That(SharedNames.TryParseDue(await listen.NextAsync(), out var heardQueue, out var dueIn), Is.True);
        Assert.That(heardQueue, Is.EqualTo(queue));
        Assert.That(dueIn, Is.InRange(TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30)));
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id)), Is.EqualTo("pending"));
        AssertCommitsBeforeNotify(store.LastBatch());
    }

    [Test]
    public async Task Enqueue_InsideACallersTransaction_IsAnnouncedAtThatTransactionsCommit()
    {
        var queue = NewQueue();
        await using var store = LoggedStore();
        await using var listen = await ListenAsync(SharedNames.PendingChannel);
        await using var connection = await store.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await store.Store.InsertAsync(Row(queue), transaction, CancellationToken.None);
        var sent = store.LastBatch();
        Assert.That(sent, Has.None.EqualTo("COMMIT").And.None.EqualTo("BEGIN"), "the caller's transaction is the caller's to end");
        Assert.That(await listen.TryNextAsync(TimeSpan.FromMilliseconds(300)), Is.Null, "nothing is announced before the caller commits");

        await transaction.CommitAsync();
        Assert.That(await listen.NextAsync(), Is.EqualTo(queue));
    }

    [Test]
    public async Task FinishedWorkflow_CommitsBeforeItsNotify_AndIsCompletedWhenHeard()
    {
        var (id, worker) = await RunningWorkflowAsync();
        await using var store = LoggedStore();
        await using var listen = await ListenAsync(SharedNames.FinishedChannel);

        var (outcome, _) = await store.Store.CommitActivationAsync(Finish(id, worker), CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(ActivationOutcome.Committed));
        Assert.That(await listen.NextAsync(), Is.EqualTo(id.ToString()));
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id)), Is.EqualTo("completed"));
        AssertCommitsBeforeNotify(store.LastBatch());
    }

    [Test]
    public async Task RefusedFinish_SendsNoNotify_AndItsConnectionServesTheNextCommit()
    {
        var (refused, _) = await RunningWorkflowAsync();
        var (accepted, acceptedWorker) = await RunningWorkflowAsync();

        // One pooled connection: the refused commit's, left in an aborted transaction block, must come back usable.
        await using var store = LoggedStore(maxPoolSize: 1);
        await using var listen = await ListenAsync(SharedNames.FinishedChannel);

        var (first, _) = await store.Store.CommitActivationAsync(Finish(refused, Guid.NewGuid()), CancellationToken.None);
        var (second, _) = await store.Store.CommitActivationAsync(Finish(accepted, acceptedWorker), CancellationToken.None);

        Assert.That((first, second), Is.EqualTo((ActivationOutcome.Fenced, ActivationOutcome.Committed)));

        // NOTIFYs arrive in commit order: had the refused one sent any, it would come first.
        Assert.That(await listen.NextAsync(), Is.EqualTo(accepted.ToString()));
        Assert.That(await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", refused)), Is.EqualTo("running"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.history WHERE workflow_id = @id", ("id", refused)), Is.Zero);
    }

    private static void AssertCommitsBeforeNotify(IReadOnlyList<string> sent)
    {
        static bool Notifies(string sql) => sql.Contains("pg_notify", StringComparison.Ordinal) || sql.Contains("notify_due", StringComparison.Ordinal);
        var all = string.Join(" | ", sent);
        var commit = sent.ToList().IndexOf("COMMIT");
        var notify = sent.ToList().FindIndex(Notifies);
        Assert.That(sent, Is.Not.Empty);
        Assert.That(sent[0], Is.EqualTo("BEGIN"), all);
        Assert.That(commit, Is.GreaterThan(0), all);
        Assert.That(notify, Is.GreaterThan(commit), "the NOTIFY follows the COMMIT: " + all);
        Assert.That(sent.Take(commit).Any(Notifies), Is.False, "no NOTIFY inside the durable transaction");

        // One statement each: the NOTIFY and the setting that keeps its transaction from waiting for a flush.
        Assert.That(sent.Skip(commit + 1), Is.Not.Empty.And.All.Matches<string>(sql => sql is not null && Notifies(sql)
            && sql.Contains("'synchronous_commit', 'off'", StringComparison.Ordinal)),
            "each statement after the COMMIT notifies and does not wait for the flush: " + all);
    }

    private static NewExecution Row(string queue) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = ExecutionKind.Job,
        Name = "Tests.Announced",
        Queue = queue,
        Arguments = "[]"u8.ToArray(),
    };

    private static ActivationCommit Finish(Guid id, Guid worker)
    {
        var row = new NewHistoryRow(1, "step", "step-1", HistoryEvent.Completed, null, "42", null, DateTime.UtcNow);
        return new ActivationCommit(id, worker, Activation, SeenWakeCount: 0, ExecutionState.Completed, "42", null,
            new ActivationCommands([row], [], []), TraceContext: null);
    }

    private async Task<(Guid Id, Guid Worker)> RunningWorkflowAsync()
    {
        var (id, worker) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, state, attempt, activations, worker_id, started_at)
            VALUES (@id, 'workflow', 'Tests.Announced', @queue, 'running', 1, @activation, @worker, now());
            SELECT 1
            """, ("id", id), ("queue", NewQueue()), ("activation", Activation), ("worker", worker));
        return (id, worker);
    }

    private LoggedStoreScope LoggedStore(int maxPoolSize = 4)
    {
        var log = new BatchLog();
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPoolSize }.ConnectionString);
        builder.UseLoggerFactory(log);
        var dataSource = builder.Build();
        return new LoggedStoreScope(dataSource, new CurrantStore(dataSource), log);
    }

    private async Task<Listener> ListenAsync(string channel)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
        await listen.ExecuteNonQueryAsync();
        return new Listener(connection, channel);
    }

    private sealed record LoggedStoreScope(NpgsqlDataSource DataSource, CurrantStore Store, BatchLog Log) : IAsyncDisposable
    {
        public IReadOnlyList<string> LastBatch() => Log.Batches.LastOrDefault() ?? [];

        public ValueTask DisposeAsync() => DataSource.DisposeAsync();
    }

    /// <summary>The SQL of each batch Npgsql executes, in order, from its "Executing batch" debug log.</summary>
    private sealed class BatchLog : ILoggerFactory, ILogger
    {
        public ConcurrentQueue<IReadOnlyList<string>> Batches { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "ExecutingBatch" && state is IReadOnlyList<KeyValuePair<string, object?>> fields
                && fields.FirstOrDefault(f => f.Value is string[]).Value is string[] commands)
            {
                Batches.Enqueue(commands.Select(sql => sql.Trim()).ToArray());
            }
        }

        public void Dispose()
        {
        }
    }

    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly ConcurrentQueue<string> _heard = new();

        public Listener(NpgsqlConnection connection, string channel)
        {
            _connection = connection;
            _connection.Notification += (_, e) =>
            {
                if (e.Channel == channel)
                {
                    _heard.Enqueue(e.Payload);
                }
            };
        }

        public async Task<string> NextAsync()
            => await TryNextAsync(Wait) ?? throw new AssertionException("no NOTIFY within " + Wait);

        public async Task<string?> TryNextAsync(TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (true)
            {
                if (_heard.TryDequeue(out var payload))
                {
                    return payload;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                // Whole milliseconds, at least one: Npgsql takes a timeout of 0 ms as no timeout at all, so a remainder
                // under a millisecond would wait for a NOTIFY that never comes.
                await _connection.WaitAsync((int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, 100));
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
