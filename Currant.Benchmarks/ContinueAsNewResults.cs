namespace Currant.Benchmarks;

/// <summary>What the continue-as-new workload measured.</summary>
internal sealed record ContinueAsNewResults(int Iterations, int PerRun, TimeSpan Elapsed, IReadOnlyList<ContinueAsNewRun> Runs);
