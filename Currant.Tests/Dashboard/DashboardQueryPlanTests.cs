using Currant.Persistence;
using Currant.Persistence.Queries;
using Npgsql;

namespace Currant.Tests.Dashboard;

/// <summary>
/// The dashboard's queries on a table of 200,000 finished executions (and a little live work): each reads through an
/// index and never scans the table, so a page costs the same on millions of rows (the timings on 1,000,000 rows are
/// measured on a quiet machine: docs/benchmarks.md).
/// </summary>
public sealed class DashboardQueryPlanTests : CurrantFixture
{
    [OneTimeSetUp]
    public async Task FillAsync()
    {
        // Finished rows spread over the last 30 days (UUIDv7 ids of their creation time, as the client makes them), most
        // of them completed, with a few names and queues; then the
        // live part: pending, running and failed rows, and one worker.
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, state, args, created_at, scheduled_at, started_at, completed_at, attempt, max_attempts)
            SELECT (lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 19))::uuid,
                   'job', 'Job' || (i % 20), 'q' || (i % 5),
                   CASE WHEN i % 100 = 0 THEN 'failed' WHEN i % 50 = 0 THEN 'cancelled' ELSE 'completed' END,
                   '[]', t, t, t, t + interval '5 ms', 1, 1
            FROM generate_series(1, 200000) AS i, LATERAL (SELECT now() - (i * interval '13 seconds')) AS x(t);
            INSERT INTO currant.executions (id, kind, name, queue, state, args, worker_id)
            SELECT gen_random_uuid(), 'job', 'Job1', 'q' || (i % 5), CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'running' END, '[]',
                   CASE WHEN i % 2 = 1 THEN '00000000-0000-0000-0000-000000000001'::uuid END
            FROM generate_series(1, 200) AS i;
            INSERT INTO currant.executions (id, kind, name, queue, state, args, completed_at)
            SELECT gen_random_uuid(), 'job', 'RareJob', 'q0', 'completed', '[]', now() FROM generate_series(1, 10);
            INSERT INTO currant.workers (id, hostname, pid, queues) VALUES ('00000000-0000-0000-0000-000000000001', 'h', 1, ARRAY['q0', 'q1']);
            ANALYZE currant.executions;
            SELECT 1;
            """);
    }

    private async Task<string> PlanAsync(string sql, Action<NpgsqlParameterCollection> bind)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        bind(command.Parameters);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }

    private static readonly Dictionary<string, DashboardFilter> Filters = new()
    {
        ["no filter"] = new DashboardFilter(),
        ["name"] = new DashboardFilter { Name = "Job7" },
        ["rare name"] = new DashboardFilter { Name = "RareJob" },
        ["failed"] = new DashboardFilter { State = ExecutionState.Failed },
        ["pending in a queue"] = new DashboardFilter { State = ExecutionState.Pending, Queue = "q1" },
        ["parked"] = new DashboardFilter { State = ExecutionState.Suspended, Parked = true },
        ["key"] = new DashboardFilter { IdempotencyKey = "order-1" },
        ["id"] = new DashboardFilter { Id = Guid.NewGuid() },
        ["last hour"] = new DashboardFilter { From = DateTimeOffset.UtcNow.AddHours(-1) },
    };

    private static IEnumerable<string> FilterNames => Filters.Keys;

    [TestCaseSource(nameof(FilterNames))]
    public async Task ExecutionsPage_ReadsThroughAnIndex(string filterName)
    {
        var filter = Filters[filterName];
        var plan = await PlanAsync(DashboardQueries.Page, p =>
        {
            CurrantStore.AddFilter(p, filter);
            p.AddWithValue("before", NpgsqlTypes.NpgsqlDbType.Uuid, DBNull.Value);
            p.AddWithValue("limit", 51);
        });
        // A Sort may follow a partial or unique index (the few rows of one state or key); never a scan of the table.
        Assert.That(plan, Does.Not.Contain("Seq Scan"), plan);
        if (filterName == "rare name")
        {
            // Not the primary key walked backwards through 200,000 rows looking for 51 of that name (db/0012).
            Assert.That(plan, Does.Contain("executions_name_idx"), plan);
        }
    }

    [TestCaseSource(nameof(FilterNames))]
    public async Task CappedCount_StopsAtTheCap(string filterName)
    {
        var filter = Filters[filterName];
        var plan = await PlanAsync(DashboardQueries.CappedCount, p =>
        {
            CurrantStore.AddFilter(p, filter);
            p.AddWithValue("cap", 10_001);
        });
        Assert.That(plan, Does.Contain("Limit"), plan);
        if (filterName != "no filter")
        {
            Assert.That(plan, Does.Not.Contain("Seq Scan"), plan);
        }
    }

    [Test]
    public async Task Overview_ReadsThroughIndexes()
    {
        var queues = await PlanAsync(DashboardQueries.Queues, p => p.AddWithValue("cap", 10_001));
        Assert.That(queues, Does.Not.Contain("Seq Scan on executions"), queues);
        var workers = await PlanAsync(DashboardQueries.Workers, _ => { });
        Assert.That(workers, Does.Not.Contain("Seq Scan on executions"), workers);
    }
}
