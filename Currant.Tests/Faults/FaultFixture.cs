using System.Diagnostics;
using System.Globalization;
using System.Text;
using Currant.Development;
using Npgsql;

namespace Currant.Tests.Faults;

/// <summary>
/// Base of the fault tests: real worker processes (<see cref="WorkerProcess"/>) against a real PostgreSQL server that
/// each test starts for itself (a durable <see cref="LocalPostgres"/>, never the shared test server: these tests stop
/// and restart it). Every state change of every execution is written to <c>fault_audit</c> by a trigger, whoever made
/// it, and the jobs write their side effects to <c>fault_effects</c>, so a test can tell "completed exactly once in the
/// store" from "its body ran at least once". TearDown kills every process and stops the server, pass or fail.
/// </summary>
[Category("Fault")]
[NonParallelizable]
public abstract class FaultFixture
{
    /// <summary>The <c>application_name</c> of every worker connection, so a test can find (and terminate) them.</summary>
    protected const string WorkerApplicationName = "currant-fault-worker";

    /// <summary>Failover in about two seconds: for the tests where a worker dies or freezes.</summary>
    protected static readonly IReadOnlyDictionary<string, string> FastFailover = new Dictionary<string, string>
    {
        ["CURRANT_WORKER_HEARTBEAT_INTERVAL"] = "0.3",
        ["CURRANT_WORKER_HEARTBEAT_TIMEOUT"] = "2",
        ["CURRANT_WORKER_POLL_INTERVAL"] = "0.2",
    };

    /// <summary>
    /// A heartbeat timeout (10 s) longer than the short faults (a restart, killed connections), so those are ridden
    /// out by the workers themselves rather than by failover.
    /// </summary>
    protected static readonly IReadOnlyDictionary<string, string> Steady = new Dictionary<string, string>
    {
        ["CURRANT_WORKER_HEARTBEAT_INTERVAL"] = "0.5",
        ["CURRANT_WORKER_HEARTBEAT_TIMEOUT"] = "10",
        ["CURRANT_WORKER_POLL_INTERVAL"] = "0.2",
    };

    private static readonly string[] TerminalStates = ["completed", "failed", "cancelled"];

    private readonly List<WorkerProcess> _workers = [];
    private readonly HashSet<WorkerProcess> _mayExit = [];
    private string _testConnectionString = "";
    private string _workerConnectionString = "";

    protected LocalPostgres Server { get; private set; } = null!;

    /// <summary>Enqueues; used before the fault only (its pooled connections do not survive a restart).</summary>
    protected CurrantClient Client { get; private set; } = null!;

    /// <summary>The one queue of the test; its workers serve only this one.</summary>
    protected string Queue { get; private set; } = "";

    [SetUp]
    public async Task StartServerAsync()
    {
        Server = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = true });
        _testConnectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Pooling = false, ApplicationName = "currant-fault-test" }.ConnectionString;
        _workerConnectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionString) { ApplicationName = WorkerApplicationName }.ConnectionString;
        Client = await CurrantClient.ConnectAsync(new NpgsqlConnectionStringBuilder(Server.ConnectionString) { ApplicationName = "currant-fault-client" }.ConnectionString);
        await Client.MigrateAsync();
        Queue = $"faults-{Guid.NewGuid():N}";
        await ExecuteAsync("""
            CREATE TABLE fault_effects (n integer NOT NULL, pid integer NOT NULL, phase text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE TABLE fault_audit (
                id uuid NOT NULL, old_state text NOT NULL, new_state text NOT NULL, old_worker uuid, new_worker uuid,
                old_attempt integer NOT NULL, new_attempt integer NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION fault_audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO fault_audit (id, old_state, new_state, old_worker, new_worker, old_attempt, new_attempt)
                VALUES (NEW.id, OLD.state, NEW.state, OLD.worker_id, NEW.worker_id, OLD.attempt, NEW.attempt);
                RETURN NEW;
            END $$;
            CREATE TRIGGER fault_audit AFTER UPDATE ON currant.executions FOR EACH ROW
                WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.attempt IS DISTINCT FROM NEW.attempt)
                EXECUTE FUNCTION fault_audit_record();
            """);
    }

    [TearDown]
    public async Task StopEverythingAsync()
    {
        // Each step on its own, so one failure never leaves a process or a server behind.
        foreach (var worker in _workers)
        {
            try
            {
                await worker.DisposeAsync();
            }
            catch (Exception e)
            {
                TestContext.Progress.WriteLine($"TearDown: worker {worker.Pid} did not stop cleanly: {e.Message}");
            }
        }

        _workers.Clear();
        _mayExit.Clear();
        if (Client is not null)
        {
            try
            {
                await Client.DisposeAsync();
            }
            catch (Exception e)
            {
                TestContext.Progress.WriteLine($"TearDown: client did not close cleanly: {e.Message}");
            }
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>Starts a worker process on this test's queue and waits until it has registered; returns it with its worker id.</summary>
    protected async Task<(WorkerProcess Process, Guid Id)> StartWorkerAsync(int concurrency, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var worker = WorkerProcess.Start(_workerConnectionString, Queue, concurrency, environment);
        _workers.Add(worker);
        Guid? id = null;
        await WaitForAsync($"worker process {worker.Pid} to register", async () =>
        {
            id = await ScalarAsync<Guid?>("SELECT id FROM currant.workers WHERE pid = @pid", ("pid", worker.Pid));
            return id is not null;
        }, TimeSpan.FromSeconds(60), ct);
        return (worker, id!.Value);
    }

    /// <summary>From now on the test expects <paramref name="worker"/> to exit (it is about to kill or stop it).</summary>
    protected void ExpectExit(WorkerProcess worker) => _mayExit.Add(worker);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. Fails with <paramref name="what"/>, the state of the store and
    /// every worker's output when the deadline passes, the test is cancelled, or a worker process exits unexpectedly.
    /// Database errors count as "not yet": the server may be coming back.
    /// </summary>
    protected async Task WaitForAsync(string what, Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                lastError = e;
            }

            if (_workers.Except(_mayExit).FirstOrDefault(w => w.HasExited) is { } exited)
            {
                Assert.Fail($"Worker process {exited.Pid} exited (code {exited.ExitCode}) while waiting for {what}.\n{await DescribeAsync()}");
            }

            if (ct.IsCancellationRequested || deadline.Elapsed > timeout)
            {
                var why = ct.IsCancellationRequested ? "The test ran out of time" : $"Timed out after {timeout.TotalSeconds:0} s";
                var error = lastError is null ? "" : $"\nLast database error: {lastError.GetType().Name}: {lastError.Message}";
                Assert.Fail($"{why} waiting for {what}.{error}\n{await DescribeAsync()}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>
    /// The contract every fault test checks: nothing is left pending or running, each execution reached a final state
    /// exactly once in the store (per the audit trigger), and all but <paramref name="expectedFailed"/> completed.
    /// </summary>
    protected async Task AssertEachFinishedExactlyOnceAsync(IReadOnlyCollection<Guid> ids, params Guid[] expectedFailed)
    {
        var all = ids.ToArray();
        var unfinished = await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE id = ANY(@ids) AND state <> ALL(@terminal)", ("ids", all), ("terminal", TerminalStates));
        var twice = await ListAsync("""
            SELECT id::text || ' (' || string_agg(new_state || ' from worker ' || coalesce(old_worker::text, '-') || ' attempt ' || old_attempt, ', ' ORDER BY at) || ')'
            FROM fault_audit WHERE id = ANY(@ids) AND new_state = ANY(@terminal)
            GROUP BY id HAVING count(*) > 1 LIMIT 10
            """, ("ids", all), ("terminal", TerminalStates));
        var never = await ScalarAsync<long>("""
            SELECT count(*) FROM unnest(@ids::uuid[]) AS i(id)
            WHERE NOT EXISTS (SELECT 1 FROM fault_audit a WHERE a.id = i.id AND a.new_state = ANY(@terminal))
            """, ("ids", all), ("terminal", TerminalStates));
        var failed = await ListAsync("SELECT id::text FROM currant.executions WHERE id = ANY(@ids) AND state <> 'completed' ORDER BY id", ("ids", all));
        var describe = await DescribeAsync(withOutput: false);
        Assert.Multiple(() =>
        {
            Assert.That(unfinished, Is.Zero, $"none may be left pending or running\n{describe}");
            Assert.That(twice, Is.Empty, "no execution may reach a final state twice in the store");
            Assert.That(never, Is.Zero, "every execution must reach a final state through an audited update");
            Assert.That(failed, Is.EquivalentTo(expectedFailed.Select(id => id.ToString())), $"all but the expected ones must be completed\n{describe}");
        });
    }

    protected static void Report(string scenario, string text) => TestContext.Progress.WriteLine($"[fault {scenario}] {text}");

    protected Task<long> CountAsync(string condition) => ScalarAsync<long>($"SELECT count(*) FROM currant.executions WHERE {condition}");

    /// <summary>Terminates every backend of the worker processes, as an admin or a failover proxy would.</summary>
    protected Task<long> TerminateWorkerConnectionsAsync()
        => ScalarAsync<long>("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @app) t", ("app", WorkerApplicationName));

    protected async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_testConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? default! : (T)result;
    }

    protected async Task<List<string>> ListAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(_testConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        }

        return rows;
    }

    private Task ExecuteAsync(string sql) => ScalarAsync<object>(sql);

    /// <summary>What a failure message needs: counts by state, some unfinished rows with their worker's heartbeat, worker output.</summary>
    private async Task<string> DescribeAsync(bool withOutput = true)
    {
        var text = new StringBuilder();
        try
        {
            text.Append("Database time: ").AppendLine((await ListAsync("SELECT to_char(clock_timestamp(), 'HH24:MI:SS.MS')")).FirstOrDefault());
            var states = await ListAsync("SELECT string_agg(state || '=' || n, ', ' ORDER BY state) FROM (SELECT state, count(*) AS n FROM currant.executions GROUP BY state) s");
            text.Append("Executions by state: ").AppendLine(states.FirstOrDefault() ?? "none");
            foreach (var row in await ListAsync("""
                SELECT e.id::text || ' ' || e.name || ' ' || e.state || ' attempt ' || e.attempt || ' worker ' || coalesce(e.worker_id::text, '-')
                       || coalesce(' (worker heartbeat ' || round(extract(epoch FROM now() - w.heartbeat_at)::numeric, 1) || ' s ago)', ' (worker not registered)')
                       || coalesce(' error: ' || left(e.error->>'message', 200), '')
                       || '; audit: ' || coalesce((SELECT string_agg(a.old_state || '->' || a.new_state || ' attempt ' || a.new_attempt
                                                   || ' at ' || to_char(a.at, 'HH24:MI:SS.MS'), ', ' ORDER BY a.at) FROM fault_audit a WHERE a.id = e.id), 'none')
                       || '; body ran ' || (SELECT count(*) FROM fault_effects f WHERE f.n = (e.args->>0)::int AND f.phase = 'done') || 'x'
                FROM currant.executions e LEFT JOIN currant.workers w ON w.id = e.worker_id
                WHERE e.state <> ALL(@terminal) ORDER BY e.state, e.id LIMIT 10
                """, ("terminal", TerminalStates)))
            {
                // A warning or error naming the row tells whether its worker ever knew it held it.
                var id = row[..36];
                var mentionedBy = _workers.Where(w => w.Output.Contains(id, StringComparison.Ordinal)).Select(w => w.Pid.ToString(CultureInfo.InvariantCulture)).ToArray();
                text.Append("  unfinished: ").Append(row)
                    .AppendLine(mentionedBy.Length == 0 ? "; in no worker's output" : $"; named in the output of worker process {string.Join(", ", mentionedBy)}");
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            text.Append("The store could not be read: ").AppendLine(e.Message);
        }

        if (withOutput)
        {
            foreach (var worker in _workers)
            {
                text.Append("--- worker process ").Append(worker.Pid).Append(worker.HasExited ? $" (exited, code {worker.ExitCode})" : "").AppendLine(" ---")
                    .AppendLine(worker.OutputTail(30));
            }
        }

        return text.ToString();
    }
}
