using System.Diagnostics;
using Npgsql;

namespace Currant.Benchmarks;

/// <summary>
/// The jobs workload: bulk enqueue (binary COPY), processing throughput of no-op jobs, and enqueue-to-start latency
/// of jobs sent one at a time to an idle worker.
/// </summary>
internal sealed class JobBenchmark(CurrantClient client, int jobs, int concurrency, bool quiet)
{
    private const int LatencySamples = 200;

    public async Task<JobResults> RunAsync(CancellationToken cancellationToken)
    {
        var queue = $"bench-{Guid.NewGuid():N}"[..20];
        BenchProbe.Reset(LatencySamples);

        // Bulk enqueue, in chunks so the progress bar moves; each chunk is one COPY.
        var chunk = Math.Max(1, Math.Min(jobs, 50_000));
        var enqueue = Stopwatch.StartNew();
        await BenchProgress.RunAsync(quiet, "Bulk enqueue", jobs, async report =>
        {
            for (var done = 0; done < jobs; done += chunk)
            {
                var n = Math.Min(chunk, jobs - done);
                await NoopJob.Options(queue: queue, client: client).QueueMany(Enumerable.Range(done, n)).ConfigureAwait(false);
                report(done + n);
            }
        }).ConfigureAwait(false);
        enqueue.Stop();

        // Processing: a worker starts on a full queue and drains it.
        var process = Stopwatch.StartNew();
        long peakWorkingSet;
        await using (var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = concurrency }, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            await BenchProgress.RunAsync(quiet, "Processing", jobs, async report =>
            {
                while (BenchProbe.Executed < jobs)
                {
                    report((int)BenchProbe.Executed);
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                }

                // Executed is not finished: wait until every completion is committed.
                while (await CountUnfinishedAsync(queue, cancellationToken).ConfigureAwait(false) > 0)
                {
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }

                report(jobs);
            }).ConfigureAwait(false);
            process.Stop();
            peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;

            // Latency: one job at a time to the now idle worker (woken by NOTIFY, not the poll).
            var latencies = new double[LatencySamples];
            await BenchProgress.RunAsync(quiet, "Latency", LatencySamples, async report =>
            {
                for (var i = 0; i < LatencySamples; i++)
                {
                    var sent = Stopwatch.GetTimestamp();
                    var handle = await LatencyJob.Options(queue: queue, client: client).Queue(i).ConfigureAwait(false);
                    await handle.GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetElapsedTime(sent, BenchProbe.StartOf(i)).TotalMilliseconds;
                    report(i + 1);
                }
            }).ConfigureAwait(false);

            Array.Sort(latencies);
            await CleanUpAsync(queue, cancellationToken).ConfigureAwait(false);
            return new JobResults(
                jobs,
                concurrency,
                enqueue.Elapsed,
                jobs / enqueue.Elapsed.TotalSeconds,
                process.Elapsed,
                jobs / process.Elapsed.TotalSeconds,
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.95),
                Percentile(latencies, 0.99),
                peakWorkingSet / (1024.0 * 1024.0));
        }
    }


    internal static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private async Task<long> CountUnfinishedAsync(string queue, CancellationToken cancellationToken)
    {
        await using var command = client.DataSource.CreateCommand(
            "SELECT count(*) FROM currant.executions WHERE queue = @queue AND state IN ('pending', 'running')");
        command.Parameters.AddWithValue("queue", queue);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task CleanUpAsync(string queue, CancellationToken cancellationToken)
    {
        await using var command = client.DataSource.CreateCommand("DELETE FROM currant.executions WHERE queue = @queue");
        command.Parameters.AddWithValue("queue", queue);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal sealed record JobResults(
    int Jobs,
    int Concurrency,
    TimeSpan EnqueueTime,
    double EnqueuePerSecond,
    TimeSpan ProcessTime,
    double ProcessedPerSecond,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    double PeakWorkingSetMb);
