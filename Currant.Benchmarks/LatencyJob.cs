using System.Diagnostics;

namespace Currant.Benchmarks;

/// <summary>
/// Returns the moment it started, for enqueue-to-start latency. <see cref="Stopwatch.GetTimestamp"/> reads the
/// system's monotonic clock (CLOCK_MONOTONIC on Linux), the same in every process of the machine, so this works for
/// worker processes as well as for the worker inside the bench.
/// </summary>
[Job(Queue = "bench", Retries = 0)]
public partial class LatencyJob
{
    public Task<long> ExecuteAsync(int slot, CancellationToken ct) => Task.FromResult(Stopwatch.GetTimestamp());
}
