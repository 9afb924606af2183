using System.Diagnostics;
using System.Globalization;

namespace Currant.Benchmarks;

/// <summary>
/// <c>currant bench --soak 10m</c>: a sustained load (no-op jobs enqueued at <c>--rate</c> per second) on a worker in
/// this process whose retention is <c>--retain</c>, printing the executions table's row count and table, index,
/// history and signals sizes at regular points, to see whether they stay flat once retention catches up.
/// </summary>
internal sealed class SoakBenchmark(CurrantClient client, TimeSpan duration, int ratePerSecond, TimeSpan retain, int concurrency, TextWriter output)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var queue = $"soak-{Guid.NewGuid():N}"[..21];
        await using var worker = await client.StartWorkerAsync(new WorkerOptions
        {
            Queues = [queue],
            MaxConcurrency = concurrency,
            RetainCompleted = retain,
            RetainFailed = retain,
            RetentionInterval = TimeSpan.FromTicks(Math.Clamp(retain.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks)),
        }, cancellationToken: ct).ConfigureAwait(false);

        var samples = 20;
        var sampleEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, duration.Ticks / samples));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"soak: {duration}, {ratePerSecond} jobs/s, retention {retain}, sample every {sampleEvery.TotalSeconds:F0} s")).ConfigureAwait(false);
        await output.WriteLineAsync($"{"elapsed s",9}  {"enqueued",9}  {"rows",9}  {"table MB",8}  {"index MB",8}  {"history MB",10}  {"signals MB",10}").ConfigureAwait(false);

        // Enqueue in 100 ms ticks (one bulk COPY each), so the rate holds without a timer per job.
        var tick = TimeSpan.FromMilliseconds(100);
        var perTick = Math.Max(1, ratePerSecond / 10);
        var started = Stopwatch.GetTimestamp();
        var nextSample = sampleEvery;
        long enqueued = 0;
        for (var i = 1; Stopwatch.GetElapsedTime(started) < duration; i++)
        {
            await NoopJob.Options(queue: queue, client: client).QueueMany(Enumerable.Range(0, perTick)).ConfigureAwait(false);
            enqueued += perTick;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= nextSample)
            {
                await SampleAsync(elapsed, enqueued, ct).ConfigureAwait(false);
                nextSample += sampleEvery;
            }

            var wait = tick * i - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct).ConfigureAwait(false);
            }
        }

        await SampleAsync(Stopwatch.GetElapsedTime(started), enqueued, ct).ConfigureAwait(false);
    }

    private async Task SampleAsync(TimeSpan elapsed, long enqueued, CancellationToken ct)
    {
        var s = await TableSizes.ReadAsync(client, ct).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds,9:F0}  {enqueued,9}  {s.Executions,9}  {TableSizes.Mb(s.ExecutionsTableBytes),8}  {TableSizes.Mb(s.ExecutionsIndexBytes),8}  {TableSizes.Mb(s.HistoryBytes),10}  {TableSizes.Mb(s.SignalsBytes),10}")).ConfigureAwait(false);
    }
}
