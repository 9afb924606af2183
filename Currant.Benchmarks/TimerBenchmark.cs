using System.Diagnostics;

namespace Currant.Benchmarks;

/// <summary>
/// The timers workload (<c>--timers N</c>): how close to its due time a delayed job starts on an idle worker, and
/// how long a workflow that sleeps 1 s takes from enqueue to result. The worker runs with the default poll interval
/// (1 s), in this process unless worker processes serve <paramref name="queue"/> already.
/// </summary>
internal sealed class TimerBenchmark(CurrantClient client, string queue, int jobs, int concurrency, bool externalWorkers, bool quiet)
{
    public const int SleepWorkflows = 10;
    public static readonly TimeSpan SleepFor = TimeSpan.FromSeconds(1);

    // Jobs are enqueued one at a time on this cadence, each due 200-500 ms later (spread, the same every run), so
    // their due times interleave with the enqueues and with each other while the worker has nothing else to do.
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(20);
    private const int ShortestDelayMs = 200;
    private const int DelaySpreadMs = 301;
    private const int WarmUpJobs = 5;

    public async Task<TimerResults> RunAsync(CancellationToken cancellationToken)
    {
        await using var worker = externalWorkers ? null : await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = concurrency }, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Untimed: JIT-compiles the delayed enqueue, the alarm and the claim, and a workflow's timer path.
        for (var i = 0; i < WarmUpJobs; i++)
        {
            var warmUp = await LatencyJob.Options(queue: queue, delay: TimeSpan.FromMilliseconds(50), client: client).Queue(-1).ConfigureAwait(false);
            await warmUp.GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }

        var warmUpSleep = await SleepFlow.Options(queue: queue, client: client).Queue(0.05).ConfigureAwait(false);
        await warmUpSleep.GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

        // Start - due, where due = the instant before the enqueue call + the delay: the database's due time is a little
        // later (its now() is taken after the call was sent), so this never flatters.
        var late = new double[jobs];
        await BenchProgress.RunAsync(quiet, "Delayed jobs", jobs, async report =>
        {
            var due = new long[jobs];
            var handles = new ExecutionHandle<long>[jobs];
            var first = Stopwatch.GetTimestamp();
            for (var i = 0; i < jobs; i++)
            {
                var wait = Gap * i - Stopwatch.GetElapsedTime(first);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                var delay = TimeSpan.FromMilliseconds(ShortestDelayMs + (i * 7919 % DelaySpreadMs));
                due[i] = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
                handles[i] = await LatencyJob.Options(queue: queue, delay: delay, client: client).Queue(i).ConfigureAwait(false);
            }

            for (var i = 0; i < jobs; i++)
            {
                var started = await handles[i].GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                late[i] = (started - due[i]) * 1000.0 / Stopwatch.Frequency;
                report(i + 1);
            }
        }).ConfigureAwait(false);
        Array.Sort(late);

        var sleeps = new double[SleepWorkflows];
        await BenchProgress.RunAsync(quiet, $"Workflow.Sleep({SleepFor.TotalSeconds:0} s)", SleepWorkflows, async report =>
        {
            for (var i = 0; i < SleepWorkflows; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                var handle = await SleepFlow.Options(queue: queue, client: client).Queue(SleepFor.TotalSeconds).ConfigureAwait(false);
                await handle.GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                sleeps[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                report(i + 1);
            }
        }).ConfigureAwait(false);
        Array.Sort(sleeps);

        return new TimerResults(
            jobs,
            late.Length > 0 ? late[0] : double.NaN,
            JobBenchmark.Percentile(late, 0.50),
            JobBenchmark.Percentile(late, 0.95),
            JobBenchmark.Percentile(late, 0.99),
            late.Length > 0 ? late[^1] : double.NaN,
            SleepWorkflows,
            JobBenchmark.Percentile(sleeps, 0.50),
            JobBenchmark.Percentile(sleeps, 0.95));
    }
}

internal sealed record TimerResults(
    int Jobs,
    double LateMinMs,
    double LateP50Ms,
    double LateP95Ms,
    double LateP99Ms,
    double LateMaxMs,
    int SleepWorkflows,
    double SleepP50Ms,
    double SleepP95Ms);
