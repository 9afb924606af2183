using System.Diagnostics;

namespace Currant.Benchmarks;

/// <summary>
/// The jobs workload: bulk enqueue (binary COPY), processing throughput, and enqueue-to-start latency of jobs sent
/// one at a time to an idle worker. The worker runs in this process, or in <paramref name="workers"/>, which serve
/// <paramref name="queues"/> already.
/// </summary>
internal sealed class JobBenchmark(CurrantClient client, BenchSettings settings, IReadOnlyList<string> queues, WorkerProcesses? workers)
{
    private const int LatencySamples = 200;
    private const int LatencyWarmUpSamples = 50;
    private static readonly TimeSpan LatencyGap = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LatencyIdle = TimeSpan.FromSeconds(2);

    // Untimed, before the timed enqueue, to a queue no worker serves: JIT-compiles the enqueue path and takes a
    // pooled connection through one COPY. The peers' benchmarks also use their client before timing its enqueue.
    // Over a thousand rows, so the per-row loops (ids, COPY encoding, handles) run long enough to be compiled
    // optimized (on-stack replacement) here: with 100 that compilation fell into the timed enqueue, ~3 ms of it.
    private const int WarmUpJobs = 2_000;

    // Each QueueMany call is one COPY in one transaction; chunks let the progress bar move on large runs.
    private const int ChunkJobs = 50_000;

    public async Task<JobResults> RunAsync(CancellationToken cancellationToken)
    {
        var jobs = settings.Jobs;
        BenchProbe.Reset();
        var payload = new string('x', settings.PayloadSize);

        var warmUpQueue = $"bench-warmup-{Guid.NewGuid():N}"[..24];
        await EnqueueAsync(warmUpQueue, 0, WarmUpJobs, payload).ConfigureAwait(false);
        await DeleteAsync([warmUpQueue], cancellationToken).ConfigureAwait(false);

        // Queue k of q gets jobs / q of them (one more for the first jobs % q queues).
        // Timed inside the progress callback: compiling the callback itself is the harness's cost, not the enqueue's.
        var enqueue = new Stopwatch();
        await BenchProgress.RunAsync(settings.Quiet, "Bulk enqueue", jobs, async report =>
        {
            enqueue.Start();
            var done = 0;
            for (var k = 0; k < queues.Count; k++)
            {
                var share = jobs / queues.Count + (k < jobs % queues.Count ? 1 : 0);
                for (var sent = 0; sent < share; sent += ChunkJobs)
                {
                    var n = Math.Min(ChunkJobs, share - sent);
                    await EnqueueAsync(queues[k], done, n, payload).ConfigureAwait(false);
                    done += n;
                    report(done);
                }
            }

            enqueue.Stop();
        }).ConfigureAwait(false);

        // Processing. The worker inside this process starts now, on full queues, and its start-up is timed (as the
        // peers' benchmarks time theirs); worker processes are up already and are timed from the end of the enqueue.
        var process = Stopwatch.StartNew();
        var worker = workers is null
            ? await client.StartWorkerAsync(new WorkerOptions { Queues = queues, MaxConcurrency = settings.Concurrency }, cancellationToken: cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            await BenchProgress.RunAsync(settings.Quiet, "Processing", jobs, async report =>
            {
                if (worker is not null)
                {
                    while (BenchProbe.Executed < jobs)
                    {
                        report((int)BenchProbe.Executed);
                        await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                    }
                }

                // Executed is not finished: wait until every completion is committed. Worker processes are only
                // seen through the database, every 25 ms, as the peers' benchmarks see theirs.
                long unfinished;
                while ((unfinished = await CountUnfinishedAsync(cancellationToken).ConfigureAwait(false)) > 0)
                {
                    report(jobs - (int)unfinished);
                    await Task.Delay(worker is null ? 25 : 5, cancellationToken).ConfigureAwait(false);
                }

                report(jobs);
            }).ConfigureAwait(false);
            process.Stop();
            var peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;

            // Latency, measured as the peers' benchmarks measure it: after 2 s of idleness, 200 jobs enqueued one at
            // a time on a fixed 20 ms cadence; latency = the job's start - the instant before its enqueue call.
            // First, untimed, the same on 50 jobs: the drain used the bulk enqueue and full claims, so the single
            // enqueue and the one-row claim are still unjitted, and their tier-up stalled one claim by 16-24 ms
            // (the first enqueue took 17-27 ms) in every run without it (docs/benchmarks.md).
            await Task.Delay(LatencyIdle, cancellationToken).ConfigureAwait(false);
            await BenchProgress.RunAsync(settings.Quiet, "Latency warm-up", LatencyWarmUpSamples, report =>
                MeasureLatencyAsync(queues[0], new double[LatencyWarmUpSamples], report, cancellationToken)).ConfigureAwait(false);
            await Task.Delay(LatencyIdle, cancellationToken).ConfigureAwait(false);
            var latencies = new double[LatencySamples];
            await BenchProgress.RunAsync(settings.Quiet, "Latency", LatencySamples, report =>
                MeasureLatencyAsync(queues[0], latencies, report, cancellationToken)).ConfigureAwait(false);

            Array.Sort(latencies);
            await DeleteAsync(queues, cancellationToken).ConfigureAwait(false);
            return new JobResults(
                jobs,
                settings.Concurrency,
                enqueue.Elapsed,
                jobs / enqueue.Elapsed.TotalSeconds,
                process.Elapsed,
                jobs / process.Elapsed.TotalSeconds,
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.95),
                Percentile(latencies, 0.99),
                peakWorkingSet / (1024.0 * 1024.0));
        }
        finally
        {
            if (worker is not null)
            {
                await worker.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Enqueues one <see cref="LatencyJob"/> per entry of <paramref name="latencies"/>, one at a time on the
    /// <see cref="LatencyGap"/> cadence, and fills in each one's start - the instant before its enqueue call, in ms.
    /// </summary>
    private async Task MeasureLatencyAsync(string queue, double[] latencies, Action<int> report, CancellationToken cancellationToken)
    {
        var sent = new long[latencies.Length];
        var handles = new ExecutionHandle<long>[latencies.Length];
        var first = Stopwatch.GetTimestamp();
        for (var i = 0; i < latencies.Length; i++)
        {
            var wait = LatencyGap * i - Stopwatch.GetElapsedTime(first);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            sent[i] = Stopwatch.GetTimestamp();
            handles[i] = await LatencyJob.Options(queue: queue, client: client).Queue(i).ConfigureAwait(false);
            report(i + 1);
        }

        for (var i = 0; i < latencies.Length; i++)
        {
            var started = await handles[i].GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(sent[i], started).TotalMilliseconds;
        }
    }

    internal static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// Refuses queues that hold executions already: the bench's worker would take them, and its clean-up would
    /// delete them.
    /// </summary>
    public static async Task EnsureUnusedAsync(CurrantClient client, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        await using var command = client.DataSource.CreateCommand(
            "SELECT queue, count(*) FROM currant.executions WHERE queue = ANY(@queues) GROUP BY queue ORDER BY queue LIMIT 1");
        command.Parameters.AddWithValue("queues", queues.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new CommandLine.CommandLineException(
                $"--queues: queue '{reader.GetString(0)}' already holds {reader.GetInt64(1):N0} execution(s). The bench needs queues no one else uses.");
        }
    }

    private Task EnqueueAsync(string queue, int first, int count, string payload)
    {
        if (settings.Compute)
        {
            return ComputeJob.Options(queue: queue, client: client).QueueMany(Enumerable.Range(first, count).Select(n => (n, payload)));
        }

        return settings.PayloadSize > 0
            ? PayloadJob.Options(queue: queue, client: client).QueueMany(Enumerable.Repeat(payload, count))
            : NoopJob.Options(queue: queue, client: client).QueueMany(Enumerable.Range(first, count));
    }

    private async Task<long> CountUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var command = client.DataSource.CreateCommand(
            "SELECT count(*) FROM currant.executions WHERE queue = ANY(@queues) AND state IN ('pending', 'running')");
        command.Parameters.AddWithValue("queues", queues.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task DeleteAsync(IReadOnlyList<string> queuesToEmpty, CancellationToken cancellationToken)
    {
        await using var command = client.DataSource.CreateCommand("DELETE FROM currant.executions WHERE queue = ANY(@queues)");
        command.Parameters.AddWithValue("queues", queuesToEmpty.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
