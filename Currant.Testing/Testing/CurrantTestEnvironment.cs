using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Currant.Testing;

/// <summary>
/// Everything a test of jobs and workflows needs, in one object: a fresh, migrated database, a client, and a worker on
/// every queue the application's registered jobs, activities and workflows use; and time that the test moves.
/// Works from any test framework (NUnit, xUnit, MSTest): start one per test or per fixture and dispose it.
/// </summary>
/// <example>
/// <code>
/// await using var env = await CurrantTestEnvironment.StartAsync(o => o.Services.AddSingleton&lt;IPayments, FakePayments&gt;());
/// var h = await ProcessOrder.Options(client: env.Client).Queue("o-1", 5000, "c@x.io", "tok");
/// await env.SkipTimeAsync(TimeSpan.FromDays(2));   // timers due within two days fire now, in order
/// var result = await h.GetResultAsync();            // and time skips on its own while only timers are left
/// </code>
/// </example>
/// <remarks>
/// <para>
/// Time: the environment's database reads its own clock (<c>now()</c> is the system clock plus the time skipped), and
/// so does its worker (<see cref="WorkerOptions.TimeProvider"/>, which <c>Workflow.UtcNow</c> and recorded step times
/// come from). Skipping moves that one offset forward; everything scheduled in the database (durable timers,
/// <c>Workflow.Sleep</c>, signal-wait timeouts, retry backoff, delayed jobs, workflow timeouts) is due by the same
/// clock, so it fires when the skip reaches it, and workflow time reads the skipped time. Code outside Currant that
/// reads <see cref="DateTime.UtcNow"/> does not skip; read <see cref="TimeProvider"/> instead.
/// </para>
/// <para>
/// Static stubs without a client (<c>ProcessOrder.Queue(…)</c>) use <see cref="CurrantClient.Default"/>, which is
/// the environment started last; tests that run in parallel pass <c>Options(client: env.Client)</c>.
/// </para>
/// </remarks>
public sealed class CurrantTestEnvironment : IAsyncDisposable
{
    private static readonly TimeSpan QuietPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan AutoSkipPoll = TimeSpan.FromMilliseconds(10);

    // The environment has one worker, alive as long as the environment: it must never be taken for dead because a
    // skip made its last heartbeat look old (failover would re-run its running work). A skip moves the heartbeats
    // along (TestClockQueries.MoveHeartbeats); this covers a beat that raced with it. (About the longest timeout a
    // worker accepts: its shutdown waits up to it with a .NET timer, which takes at most 2^32-2 ms, 49.7 days.)
    private static readonly TimeSpan NeverFailOver = TimeSpan.FromDays(45);

    private readonly SkippingTimeProvider _clock;
    private readonly string _server;
    private readonly string _databaseName;
    private readonly TimeSpan _quiescenceTimeout;
    private readonly SemaphoreSlim _skipping = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private ServiceProvider? _services;
    private Task? _autoSkipper;
    private int _disposed;

    private CurrantTestEnvironment(SkippingTimeProvider clock, string server, string databaseName, string connectionString, TimeSpan quiescenceTimeout)
    {
        _clock = clock;
        _server = server;
        _databaseName = databaseName;
        ConnectionString = connectionString;
        _quiescenceTimeout = quiescenceTimeout;
    }

    /// <summary>The client of the environment's database; pass it to stubs with <c>Options(client: env.Client)</c>.</summary>
    public CurrantClient Client { get; private set; } = null!;

    /// <summary>The environment's worker, serving every queue the registered executions use.</summary>
    public CurrantWorker Worker { get; private set; } = null!;

    /// <summary>The container built from <see cref="CurrantTestEnvironmentOptions.Services"/>.</summary>
    public IServiceProvider Services => _services ?? throw new ObjectDisposedException(nameof(CurrantTestEnvironment));

    /// <summary>Connection string of the environment's own database (dropped on dispose).</summary>
    public string ConnectionString { get; }

    /// <summary>The environment's clock: the system clock plus the time skipped so far.</summary>
    public TimeProvider TimeProvider => _clock;

    /// <summary>Now, by the environment's clock (what <c>Workflow.UtcNow</c> and the database's <c>now()</c> read).</summary>
    public DateTimeOffset UtcNow => _clock.GetUtcNow();

    /// <summary>
    /// While true (the default) and a caller waits for a result through <see cref="Client"/> (<c>GetResultAsync</c>,
    /// <c>WaitAsync</c>, <c>WaitForCompletionAsync</c>), time skips to the next due timer whenever nothing can run
    /// without time passing: no activation, activity or job running, nothing due now. This is Temporal's
    /// time-skipping rule: a test that waits for a workflow that sleeps a week finishes at once; a test that does
    /// something else (sends a signal, inspects state) sees time stand still. Turn it off to move time only with
    /// <see cref="SkipTimeAsync"/>.
    /// </summary>
    public bool AutoSkipTime { get; set; }

    /// <summary>
    /// Starts an environment: a fresh database (on <see cref="CurrantTestEnvironmentOptions.ServerUrl"/>,
    /// <c>CURRANT_TEST_DATABASE_URL</c> or a throwaway local server), migrated, and a worker on every queue of the
    /// registered jobs, activities and workflows.
    /// </summary>
    public static async Task<CurrantTestEnvironment> StartAsync(Action<CurrantTestEnvironmentOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new CurrantTestEnvironmentOptions();
        configure?.Invoke(options);
        var server = await TestDatabaseServer.ResolveAsync(options.ServerUrl, cancellationToken).ConfigureAwait(false);
        var (name, connectionString) = await TestDatabaseServer.CreateDatabaseAsync(server, cancellationToken).ConfigureAwait(false);
        var env = new CurrantTestEnvironment(new SkippingTimeProvider(), server, name, connectionString, options.QuiescenceTimeout);
        try
        {
            await InstallClockAsync(name, connectionString, cancellationToken).ConfigureAwait(false);
            var clientOptions = options.LoggerFactory is { } loggers ? options.Client with { LoggerFactory = loggers } : options.Client;
            env.Client = await CurrantClient.ConnectAsync(connectionString, clientOptions, cancellationToken).ConfigureAwait(false);
            await env.Client.MigrateAsync(cancellationToken).ConfigureAwait(false);
            env._services = options.Services.BuildServiceProvider();
            var queues = ExecutionRegistry.All.Select(d => d.Queue)
                .Append(clientOptions.Defaults.Queue)
                .Concat(options.Worker.Queues)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray();
            var worker = options.Worker with
            {
                Queues = queues,
                TimeProvider = env._clock,
                HeartbeatTimeout = NeverFailOver,
            };
            env.Worker = await env.Client.StartWorkerAsync(worker, env._services, cancellationToken).ConfigureAwait(false);
            env.AutoSkipTime = options.AutoSkipTime;
            env._autoSkipper = Task.Run(() => env.AutoSkipAsync(env._stop.Token), CancellationToken.None);
            return env;
        }
        catch
        {
            await env.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task InstallClockAsync(string name, string connectionString, CancellationToken cancellationToken)
    {
        // Before anything else connects: a session reads the database's search_path when it starts.
        await using var connection = new NpgsqlConnection(TestDatabaseServer.WithoutPooling(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var install = new NpgsqlCommand(TestClockQueries.Install, connection))
        {
            await install.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var path = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, TestClockQueries.SetSearchPath, name), connection);
        await path.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the environment's time forward by <paramref name="duration"/>. First lets whatever can run now run (up to
    /// <see cref="CurrantTestEnvironmentOptions.QuiescenceTimeout"/>), then skips to each due time within the span in
    /// turn, letting what falls due run before skipping on: a workflow that sleeps an hour in a loop wakes 24 times in a
    /// one-day skip, each time at its own workflow time. Returns once the whole span is skipped and nothing is due.
    /// </summary>
    public async Task SkipTimeAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _skipping.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var remaining = duration;
            while (true)
            {
                var (_, next) = await WaitUntilQuietAsync(_quiescenceTimeout, cancellationToken).ConfigureAwait(false);
                if (next is not { } due || due > remaining)
                {
                    await AdvanceAsync(remaining, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await AdvanceAsync(due, cancellationToken).ConfigureAwait(false);
                remaining -= due;
            }
        }
        finally
        {
            _skipping.Release();
        }
    }

    /// <summary>
    /// Waits until nothing can happen without time passing (nothing running, nothing due), or <paramref name="timeout"/>.
    /// Returns whether it got quiet, and how long until the next due row.
    /// </summary>
    private async Task<(bool Quiet, TimeSpan? Next)> WaitUntilQuietAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var (quiet, next) = await ReadQuietAsync(cancellationToken).ConfigureAwait(false);
            if (quiet || Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return (quiet, next);
            }

            await Task.Delay(QuietPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(bool Quiet, TimeSpan? Next)> ReadQuietAsync(CancellationToken cancellationToken)
    {
        await using var command = Client.DataSource.CreateCommand(TestClockQueries.Quiet);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetTimeSpan(1));
    }

    private async Task AdvanceAsync(TimeSpan span, CancellationToken cancellationToken)
    {
        if (span <= TimeSpan.Zero)
        {
            return;
        }

        // The database first: a timer is then due by the time any worker reads the later clock, never the other way.
        await using (var connection = await Client.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var batch = new NpgsqlBatch(connection))
        {
            var skip = new NpgsqlBatchCommand(TestClockQueries.Skip);
            skip.Parameters.AddWithValue("span", span);
            batch.BatchCommands.Add(skip);
            var beats = new NpgsqlBatchCommand(TestClockQueries.MoveHeartbeats);
            beats.Parameters.AddWithValue("span", span);
            batch.BatchCommands.Add(beats);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(TestClockQueries.NotifyDue));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(TestClockQueries.NotifySchedulesDue));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        _clock.Skip(span);
    }

    /// <summary>Skips to the next due time while someone waits for a result and nothing else can happen.</summary>
    private async Task AutoSkipAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(AutoSkipPoll, stop).ConfigureAwait(false);
                if (!AutoSkipTime || Client.ResultWaits == 0 || !await _skipping.WaitAsync(0, stop).ConfigureAwait(false))
                {
                    continue;
                }

                try
                {
                    var (quiet, next) = await ReadQuietAsync(stop).ConfigureAwait(false);
                    if (quiet && next is { } due && AutoSkipTime && Client.ResultWaits > 0)
                    {
                        await AdvanceAsync(due, stop).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _skipping.Release();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The database went away under a test (a fault test, the environment shutting down): try again later.
            }
        }
    }

    /// <summary>Stops the worker, drops the environment's database and releases the container.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_autoSkipper is not null)
        {
            await _autoSkipper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (Worker is not null)
        {
            await Worker.DisposeAsync().ConfigureAwait(false);
        }

        if (Client is not null)
        {
            await Client.DisposeAsync().ConfigureAwait(false);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
            _services = null;
        }

        await TestDatabaseServer.DropDatabaseAsync(_server, _databaseName).ConfigureAwait(false);
        _stop.Dispose();
    }
}
