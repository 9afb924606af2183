using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Currant.Dashboard;
using Currant.Persistence;
using Currant.Persistence.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Benchmarks;

/// <summary>
/// <c>currant bench --dashboard-rows 1000000</c>: fills the table with that many finished executions (spread over 30
/// days, 20 names, 5 queues; 1% failed, 2% cancelled, a quarter with an idempotency key, one in a thousand tagged),
/// a little live work, ten old rows of a rare name in a rare queue, three schedules with 2,000 runs each, a workflow with a timeline, and 1,000 audit rows; then
/// runs EXPLAIN (ANALYZE, BUFFERS) of every query each dashboard page sends (the median of 5 runs after a warm-up),
/// and times each page over HTTP from an in-process Kestrel (20 loads after 3 warm-ups). A second run against the
/// same database reuses the rows it finds (fills only what is missing).
/// </summary>
internal sealed partial class DashboardBenchmark(CurrantClient client, int rows, TextWriter output)
{
    private const int Runs = 5;
    private const int Loads = 20;
    private const int Batch = 100_000;

    // Row i of the fill, created (30 days / rows) * i ago; its id is the UUIDv7 of that time, as the client makes them.
    private const string Fill = """
        INSERT INTO currant.executions (id, kind, name, queue, state, args, result, created_at, scheduled_at, started_at, completed_at,
                                        attempt, max_attempts, idempotency_key, tags)
        SELECT (lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5('dash' || i), 1, 19))::uuid,
               'job', 'DashJob' || (i % 20), 'dashq' || (i % 5),
               CASE WHEN i % 100 = 0 THEN 'failed' WHEN i % 50 = 0 THEN 'cancelled' ELSE 'completed' END,
               jsonb_build_array('customer-' || (i % 977), i), '"ok"', t, t, t, t + interval '7 ms', 1, 3,
               CASE WHEN i % 4 = 0 THEN 'dash-order-' || i END,
               CASE WHEN i % 1000 = 0 THEN jsonb_build_object('customer', 'c' || (i / 1000 % 100)) END
        FROM generate_series(@first, @last) AS i, LATERAL (SELECT now() - i * (interval '30 days' / @rows)) AS x(t)
        """;

    private const string Existing = "SELECT count(*) FROM currant.executions WHERE name = ANY(@names)";

    // The live part: pending and running rows, a worker, queue settings, schedules and their runs, a workflow with
    // history and signals, audit rows. Run once (the schedules' primary key says whether it ran).
    private const string Live = """
        INSERT INTO currant.workers (id, hostname, pid, queues) VALUES ('00000000-0000-0000-0000-00000000da5b', 'bench', 1, ARRAY['dashq0', 'dashq1', 'dashq2']);
        INSERT INTO currant.executions (id, kind, name, queue, state, args, worker_id, started_at)
        SELECT currant.uuid_v7(), 'job', 'DashJob' || (i % 20), 'dashq' || (i % 5), CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'running' END, '[]',
               CASE WHEN i % 2 = 1 THEN '00000000-0000-0000-0000-00000000da5b'::uuid END, CASE WHEN i % 2 = 1 THEN now() END
        FROM generate_series(1, 200) AS i;
        INSERT INTO currant.queues (name, paused, max_concurrency) VALUES ('dashq3', true, NULL), ('dashq4', false, 8);
        INSERT INTO currant.schedules (name, target, kind, queue, cron, next_run_at, last_run_at, source)
        SELECT 'dash-nightly-' || k, 'DashJob' || k, 'job', 'dashq' || k, '0 3 * * *', date_trunc('day', now()) + interval '1 day 3 hours',
               date_trunc('day', now()) + interval '3 hours', 'api'
        FROM generate_series(0, 2) AS k;
        INSERT INTO currant.executions (id, kind, name, queue, state, args, created_at, completed_at, idempotency_key)
        SELECT currant.uuid_v7(), 'job', 'DashJob' || k, 'dashq' || k, 'completed', '[]', t, t,
               'schedule:dash-nightly-' || k || ':' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        FROM generate_series(0, 2) AS k, generate_series(1, 2000) AS d, LATERAL (SELECT date_trunc('day', now()) + interval '3 hours' - d * interval '1 day') AS x(t);
        INSERT INTO currant.executions (id, kind, name, queue, state, args, created_at, started_at)
        VALUES ('00000000-0000-7000-8000-00000000da5b', 'workflow', 'DashFlow', 'dashq0', 'suspended', '["order-1"]', now(), now());
        INSERT INTO currant.history (workflow_id, seq, kind, name, state, result, completed_at)
        SELECT '00000000-0000-7000-8000-00000000da5b', s, 'step', 'step-' || s, 'completed', '"done"', now() FROM generate_series(1, 50) AS s;
        INSERT INTO currant.signals (workflow_id, name, payload)
        SELECT '00000000-0000-7000-8000-00000000da5b', 'go', to_jsonb(s) FROM generate_series(1, 10) AS s;
        INSERT INTO currant.executions (id, kind, name, queue, state, args, created_at, completed_at)
        SELECT currant.uuid_v7(), 'job', 'DashRareJob', 'dashq-rare', 'completed', '[]', now() - interval '20 days', now() - interval '20 days'
        FROM generate_series(1, 10);
        INSERT INTO currant.dashboard_actions (actor, action, execution_id, detail, outcome)
        SELECT 'bench', 'cancel', NULL, NULL, 'cancelled' FROM generate_series(1, 1000);
        """;

    private static readonly Guid Workflow = Guid.Parse("00000000-0000-7000-8000-00000000da5b");

    public async Task RunAsync(CancellationToken ct)
    {
        await FillAsync(ct).ConfigureAwait(false);
        // The cursor of a deep page: halfway through the rows of one name (rows / 40 of them are older).
        var middle = await ScalarAsync<Guid>($"SELECT id FROM currant.executions WHERE name = 'DashJob7' ORDER BY id LIMIT 1 OFFSET {rows / 40}", ct).ConfigureAwait(false);
        await output.WriteLineAsync("\n| query | median ms | max ms | planning ms | buffers (shared hit/read) | top of the plan |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---:|---:|---:|---|---|").ConfigureAwait(false);
        foreach (var (label, sql, bind) in Queries(middle))
        {
            await ExplainAsync(label, sql, bind, ct).ConfigureAwait(false);
        }

        await PagesAsync(middle, ct).ConfigureAwait(false);
    }

    private async Task FillAsync(CancellationToken ct)
    {
        var names = Enumerable.Range(0, 20).Select(i => "DashJob" + i).ToArray();
        await using (var count = client.DataSource.CreateCommand(Existing))
        {
            count.Parameters.AddWithValue("names", names);
            count.CommandTimeout = 600;
            var have = (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            var fill = Stopwatch.StartNew();
            // Rows of the schedules' runs and the live part share these names: only the finished fill is counted against --dashboard-rows.
            for (var first = have + 1; first <= rows; first += Batch)
            {
                await using var command = client.DataSource.CreateCommand(Fill);
                command.CommandTimeout = 600;
                command.Parameters.AddWithValue("first", first);
                command.Parameters.AddWithValue("last", Math.Min(first + Batch - 1, rows));
                command.Parameters.AddWithValue("rows", (double)rows);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{Math.Max(0, rows - have):N0} finished executions inserted in {fill.Elapsed.TotalSeconds:F1} s ({have:N0} were there)")).ConfigureAwait(false);
        }

        if (await ScalarAsync<long>("SELECT count(*) FROM currant.schedules WHERE name LIKE 'dash-nightly-%'", ct).ConfigureAwait(false) == 0)
        {
            await using var live = client.DataSource.CreateCommand(Live);
            live.CommandTimeout = 600;
            await live.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        // What autovacuum would have done to a table this size: statistics and the visibility map (index-only scans).
        await using var vacuum = client.DataSource.CreateCommand("VACUUM ANALYZE currant.executions");
        vacuum.CommandTimeout = 1200;
        await vacuum.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        var size = await ScalarAsync<string>("SELECT pg_size_pretty(pg_total_relation_size('currant.executions'))", ct).ConfigureAwait(false);
        var total = await ScalarAsync<long>("SELECT reltuples::bigint FROM pg_class WHERE oid = 'currant.executions'::regclass", ct).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"currant.executions: ~{total:N0} rows, {size} with its indexes")).ConfigureAwait(false);
    }

    /// <summary>Every query the pages send, with the parameters a page would bind.</summary>
    private static IEnumerable<(string Label, string Sql, Action<NpgsqlParameterCollection> Bind)> Queries(Guid middle)
    {
        var filters = new (string Label, DashboardFilter Filter)[]
        {
            ("no filter", new DashboardFilter()),
            ("name", new DashboardFilter { Name = "DashJob7" }),
            ("state failed", new DashboardFilter { State = ExecutionState.Failed }),
            ("pending in a queue", new DashboardFilter { State = ExecutionState.Pending, Queue = "dashq1" }),
            ("parked", new DashboardFilter { State = ExecutionState.Suspended, Parked = true }),
            ("idempotency key", new DashboardFilter { IdempotencyKey = "dash-order-400" }),
            ("last hour", new DashboardFilter { From = DateTimeOffset.UtcNow.AddHours(-1) }),
            ("tag", new DashboardFilter { Tags = new Dictionary<string, string> { ["customer"] = "c7" } }),
            ("name + state failed", new DashboardFilter { Name = "DashJob7", State = ExecutionState.Failed }),
            ("queue", new DashboardFilter { Queue = "dashq2" }),
            ("rare name (10 rows, 20 days old)", new DashboardFilter { Name = "DashRareJob" }),
            ("rare queue (10 rows, 20 days old)", new DashboardFilter { Queue = "dashq-rare" }),
        };
        foreach (var (label, filter) in filters)
        {
            yield return ($"executions page: {label}", DashboardQueries.Page, p => Page(p, filter, null));
        }

        yield return ("executions page: name, deep page (halfway)", DashboardQueries.Page, p => Page(p, new DashboardFilter { Name = "DashJob7" }, middle));
        yield return ("executions page: no filter, deep page", DashboardQueries.Page, p => Page(p, new DashboardFilter(), middle));
        foreach (var (label, filter) in filters)
        {
            yield return ($"capped count (10,000): {label}", DashboardQueries.CappedCount, p =>
            {
                CurrantStore.AddFilter(p, filter);
                p.AddWithValue("cap", 10_000);
            });
        }

        yield return ("overview: queues", DashboardQueries.Queues, p => p.AddWithValue("cap", 10_000));
        yield return ("overview: workers", DashboardQueries.Workers, _ => { });
        yield return ("execution: detail", DashboardQueries.Detail, p => p.AddWithValue("id", Workflow));
        yield return ("execution: version (live refresh)", DashboardQueries.ExecutionVersion, p => p.AddWithValue("id", Workflow));
        yield return ("execution: history (timeline)", WorkflowQueries.History, p => p.AddWithValue("id", Workflow));
        yield return ("execution: signals", DashboardQueries.Signals, p => { p.AddWithValue("id", Workflow); p.AddWithValue("limit", 1000); });
        yield return ("execution: children", DashboardQueries.Children, p => { p.AddWithValue("id", Workflow); p.AddWithValue("limit", 1000); });
        yield return ("schedules: list", ScheduleQueries.List, _ => { });
        yield return ("schedule: recent runs", DashboardQueries.ScheduleRuns, p =>
        {
            p.AddWithValue("target", "DashJob1");
            p.AddWithValue("prefix", "schedule:dash-nightly-1:");
            p.AddWithValue("limit", 25);
        });
        yield return ("queues page", DashboardQueries.QueueControls, p => p.AddWithValue("cap", 10_000));
        yield return ("actions page", DashboardQueries.Actions, p => { p.AddWithValue("before", NpgsqlDbType.Bigint, DBNull.Value); p.AddWithValue("limit", 101); });
    }

    private static void Page(NpgsqlParameterCollection p, DashboardFilter filter, Guid? before)
    {
        CurrantStore.AddFilter(p, filter);
        p.AddWithValue("before", NpgsqlDbType.Uuid, before ?? (object)DBNull.Value);
        p.AddWithValue("limit", 51);
    }

    private async Task ExplainAsync(string label, string sql, Action<NpgsqlParameterCollection> bind, CancellationToken ct)
    {
        var executions = new List<double>();
        var plannings = new List<double>();
        var lines = new List<string>();
        for (var run = 0; run <= Runs; run++)
        {
            await using var command = client.DataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql);
            bind(command.Parameters);
            lines.Clear();
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    lines.Add(reader.GetString(0));
                }
            }

            if (run > 0)
            {
                executions.Add(Milliseconds(lines, "Execution Time"));
                plannings.Add(Milliseconds(lines, "Planning Time"));
            }
        }

        executions.Sort();
        plannings.Sort();
        var buffers = lines.FirstOrDefault(l => l.TrimStart().StartsWith("Buffers:", StringComparison.Ordinal))?.Trim()["Buffers: ".Length..] ?? "-";
        var top = string.Join(" → ", lines.Where((l, i) => i == 0 || l.Contains("->", StringComparison.Ordinal)).Take(3)
            .Select(l => Cost().Replace(l.Trim().TrimStart('-', '>', ' '), "")));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {executions[executions.Count / 2]:F2} | {executions[^1]:F2} | {plannings[plannings.Count / 2]:F2} | {buffers} | {top.Replace("|", "/", StringComparison.Ordinal)} |")).ConfigureAwait(false);
    }

    private static double Milliseconds(List<string> lines, string what)
    {
        var line = lines.First(l => l.StartsWith(what, StringComparison.Ordinal));
        return double.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace("ms", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Each page over HTTP: the dashboard mounted in an in-process Kestrel on loopback, as an app mounts it.</summary>
    private async Task PagesAsync(Guid middle, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCurrantDashboard();
        await using var app = builder.Build();
        app.MapCurrantDashboard("/currant", o => o.Client = client);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/currant/") };
        var hourAgo = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        string[] pages =
        [
            "", "executions", "executions?name=DashJob7", "executions?state=failed", "executions?queue=dashq1&state=pending",
            "executions?tag=customer%3Dc7", "executions?q=dash-order-400", "executions?queue=dashq-rare", $"executions?from={hourAgo}", $"executions?name=DashJob7&before={middle}",
            $"executions/{Workflow}", "schedules", "schedule?name=dash-nightly-1", "queues", "actions",
        ];
        await output.WriteLineAsync("\n| page (GET /currant/…) | median ms | p95 ms | max ms | bytes |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---:|---:|---:|---:|").ConfigureAwait(false);
        foreach (var page in pages)
        {
            var times = new List<double>();
            var bytes = 0;
            for (var load = -3; load < Loads; load++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(page, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                watch.Stop();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET {page}: {(int)response.StatusCode} {body}");
                }

                bytes = body.Length;
                if (load >= 0)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| /{page} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} | {times[^1]:F1} | {bytes:N0} |")).ConfigureAwait(false);
        }

        await app.StopAsync(ct).ConfigureAwait(false);
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var command = client.DataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        return (T)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    [GeneratedRegex(@"\s*\(cost=[^)]*\)( \(actual[^)]*\))?")]
    private static partial Regex Cost();
}
