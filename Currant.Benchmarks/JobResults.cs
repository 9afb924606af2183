namespace Currant.Benchmarks;

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
