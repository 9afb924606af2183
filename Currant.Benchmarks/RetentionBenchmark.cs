using System.Diagnostics;
using System.Globalization;

namespace Currant.Benchmarks;

/// <summary>
/// <c>currant bench --retention-rows 1000000</c>: inserts that many finished jobs completed long ago, then measures
/// enqueue→start latency of jobs enqueued one at a time (every 10 ms), first with retention off (baseline), then while
/// the workers' retention pass deletes the finished rows: whether deleting in batches delays claims.
/// </summary>
internal sealed class RetentionBenchmark(CurrantClient client, int rows, int concurrency, TextWriter output)
{
    private const int BaselineJobs = 300;
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(10);

    // Old finished jobs, as retention finds them after a busy week: completed 8 days ago, in a queue of their own.
    private const string Fill = """
        INSERT INTO currant.executions (id, kind, name, queue, state, args, result, attempt, max_attempts, scheduled_at, created_at, started_at, completed_at)
        SELECT currant.uuid_v7(), 'job', 'NoopJob', @queue, 'completed', jsonb_build_array(n), NULL, 1, 1,
               now() - interval '8 days', now() - interval '8 days', now() - interval '8 days', now() - interval '8 days'
        FROM generate_series(1, @rows) AS n
        """;

    public async Task RunAsync(CancellationToken ct)
    {
        var queue = $"ret-{Guid.NewGuid():N}"[..20];
        var fill = Stopwatch.StartNew();
        for (var done = 0; done < rows; done += 100_000)
        {
            await using var command = client.DataSource.CreateCommand(Fill);
            command.CommandTimeout = 600;
            command.Parameters.AddWithValue("queue", queue + "-old");
            command.Parameters.AddWithValue("rows", Math.Min(100_000, rows - done));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"inserted {rows:N0} finished jobs in {fill.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);

        double[] baseline;
        await using (await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = concurrency, RetainCompleted = null, RetainFailed = null }, cancellationToken: ct).ConfigureAwait(false))
        {
            baseline = await MeasureAsync(queue, () => Task.FromResult(false), BaselineJobs, ct).ConfigureAwait(false);
        }

        double[] during;
        var deleting = Stopwatch.StartNew();
        await using (await client.StartWorkerAsync(new WorkerOptions
        {
            Queues = [queue],
            MaxConcurrency = concurrency,
            RetainCompleted = TimeSpan.FromDays(7),
            RetainFailed = TimeSpan.FromDays(7),
            RetentionInterval = TimeSpan.FromMilliseconds(200),
        }, cancellationToken: ct).ConfigureAwait(false))
        {
            during = await MeasureAsync(queue, async () => await OldRowsLeftAsync(queue, ct).ConfigureAwait(false) == 0, int.MaxValue, ct).ConfigureAwait(false);
        }

        var seconds = deleting.Elapsed.TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"deleted {rows:N0} rows in {seconds:F1} s ({rows / seconds:N0} rows/s)")).ConfigureAwait(false);
        await Report("enqueue→start, retention off", baseline).ConfigureAwait(false);
        await Report("enqueue→start, while deleting", during).ConfigureAwait(false);
    }

    private Task Report(string label, double[] sorted)
        => output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {sorted.Length} jobs, p50 {JobBenchmark.Percentile(sorted, 0.50):F2} / p95 {JobBenchmark.Percentile(sorted, 0.95):F2} / p99 {JobBenchmark.Percentile(sorted, 0.99):F2} / max {sorted[^1]:F2} ms"));

    /// <summary>Enqueues LatencyJobs one at a time until <paramref name="done"/> or <paramref name="max"/>; sorted latencies in ms.</summary>
    private async Task<double[]> MeasureAsync(string queue, Func<Task<bool>> done, int max, CancellationToken ct)
    {
        var latencies = new List<double>();
        for (var i = 0; i < max; i++)
        {
            if (i % 20 == 0 && await done().ConfigureAwait(false))
            {
                break;
            }

            var before = Stopwatch.GetTimestamp();
            var handle = await LatencyJob.Options(queue: queue, client: client).Queue(i).ConfigureAwait(false);
            var started = await handle.GetResultAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            latencies.Add((started - before) * 1000.0 / Stopwatch.Frequency);
            await Task.Delay(Gap, ct).ConfigureAwait(false);
        }

        latencies.Sort();
        return [.. latencies];
    }

    private async Task<long> OldRowsLeftAsync(string queue, CancellationToken ct)
    {
        await using var command = client.DataSource.CreateCommand("SELECT count(*) FROM currant.executions WHERE queue = @queue");
        command.Parameters.AddWithValue("queue", queue + "-old");
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
