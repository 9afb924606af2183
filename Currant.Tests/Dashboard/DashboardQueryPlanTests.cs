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
        // of them completed, with a few names and queues, a quarter with an idempotency key, the rows of one name tagged,
        // and 500 runs of a schedule; then the
        // live part: pending, running and failed rows, and one worker.
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, state, args, created_at, scheduled_at, started_at, completed_at, attempt, max_attempts, idempotency_key)
            SELECT (lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(i::text), 1, 19))::uuid,
                   'job', 'Job' || (i % 20), 'q' || (i % 5),
                   CASE WHEN i % 100 = 0 THEN 'failed' WHEN i % 50 = 0 THEN 'cancelled' ELSE 'completed' END,
                   '[]', t, t, t, t + interval '5 ms', 1, 1, CASE WHEN i % 4 = 0 THEN 'order-' || i END
            FROM generate_series(1, 200000) AS i, LATERAL (SELECT now() - (i * interval '13 seconds')) AS x(t);
            INSERT INTO currant.executions (id, kind, name, queue, state, args, worker_id)
            SELECT gen_random_uuid(), 'job', 'Job1', 'q' || (i % 5), CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'running' END, '[]',
                   CASE WHEN i % 2 = 1 THEN '00000000-0000-0000-0000-000000000001'::uuid END
            FROM generate_series(1, 200) AS i;
            INSERT INTO currant.executions (id, kind, name, queue, state, args, completed_at)
            SELECT gen_random_uuid(), 'job', 'RareJob', 'q0', 'completed', '[]', now() FROM generate_series(1, 10);
            INSERT INTO currant.executions (id, kind, name, queue, state, args, completed_at)
            SELECT gen_random_uuid(), 'job', 'Job1', 'rare-queue', 'completed', '[]', now() FROM generate_series(1, 10);
            UPDATE currant.executions SET tags = jsonb_build_object('customer', 'c' || (attempt + extract(epoch FROM created_at)::bigint % 500))
            WHERE name = 'Job3';
            INSERT INTO currant.executions (id, kind, name, queue, state, args, created_at, completed_at, idempotency_key)
            SELECT currant.uuid_v7(), 'job', 'Job3', 'q3', 'completed', '[]', t, t,
                   'schedule:nightly:' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM generate_series(1, 500) AS i, LATERAL (SELECT now() - (i * interval '1 hour')) AS x(t);
            INSERT INTO currant.queues (name, paused, max_concurrency) VALUES ('q2', true, 3);
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
        ["rare queue"] = new DashboardFilter { Queue = "rare-queue" },
        ["rare queue, jobs"] = new DashboardFilter { Queue = "rare-queue", Kind = ExecutionKind.Job },
        ["tag"] = new DashboardFilter { Tags = new Dictionary<string, string> { ["customer"] = "c7" } },
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

        if (filterName.StartsWith("rare queue", StringComparison.Ordinal))
        {
            // Not the primary key walked through every finished row looking for the queue's few (db/0014).
            Assert.That(plan, Does.Contain("executions_queue_idx"), plan);
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

    [Test]
    public async Task TagFilter_UsesTheTagsIndex()
    {
        var filter = Filters["tag"];
        var page = await PlanAsync(DashboardQueries.Page, p =>
        {
            CurrantStore.AddFilter(p, filter);
            p.AddWithValue("before", NpgsqlTypes.NpgsqlDbType.Uuid, DBNull.Value);
            p.AddWithValue("limit", 51);
        });
        Assert.That(page, Does.Contain("executions_tags_idx"), page);
    }

    [Test]
    public async Task QueuesPage_ReadsThroughIndexes()
    {
        var plan = await PlanAsync(DashboardQueries.QueueControls, p => p.AddWithValue("cap", 10_001));
        Assert.That(plan, Does.Not.Contain("Seq Scan on executions"), plan);
    }

    [Test]
    public async Task ScheduleRuns_WalkTheScheduleRunsIndex()
    {
        var plan = await PlanAsync(DashboardQueries.ScheduleRuns, p =>
        {
            p.AddWithValue("target", "Job3");
            p.AddWithValue("prefix", "schedule:nightly:");
            p.AddWithValue("limit", 25);
        });
        Assert.That(plan, Does.Contain("executions_schedule_runs_idx").And.Not.Contain("Seq Scan"), plan);
    }

    [Test]
    public async Task ExecutionVersion_ReadsByPrimaryKeys()
    {
        var plan = await PlanAsync(DashboardQueries.ExecutionVersion, p => p.AddWithValue("id", Guid.NewGuid()));
        Assert.That(plan, Does.Not.Contain("Seq Scan on executions").And.Not.Contain("Seq Scan on history").And.Not.Contain("Seq Scan on signals"), plan);
    }
}
