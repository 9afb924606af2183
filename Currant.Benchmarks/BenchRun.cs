namespace Currant.Benchmarks;

/// <summary>What one <c>currant bench</c> run measured besides the workloads' own results.</summary>
internal sealed record BenchRun(
    BenchSettings Settings,
    IReadOnlyList<string> JobQueues,
    ServerSettings Server,
    (double? Start, double? End) Load,
    double? WorkerPeakWorkingSetMb,
    bool LocalServer);
