namespace Currant.Benchmarks;

/// <summary>What the continue-as-new workload measured.</summary>
internal sealed record ContinueAsNewResults(int Iterations, int PerRun, TimeSpan Elapsed, IReadOnlyList<ContinueAsNewRun> Runs)
{
    /// <summary>How many runs each end of the chain averages over in <see cref="FirstRuns"/> and <see cref="LastRuns"/>.</summary>
    public const int Ends = 3;

    /// <summary>Mean ms per activation of the first <see cref="Ends"/> runs (fewer when the chain is shorter).</summary>
    public double FirstRuns => Mean(Runs.Take(Ends));

    /// <summary>Mean ms per activation of the last <see cref="Ends"/> runs.</summary>
    public double LastRuns => Mean(Runs.Skip(Math.Max(0, Runs.Count - Ends)));

    /// <summary>Last runs over first runs: about 1 when the cost per activation stays flat along the chain.</summary>
    public double Ratio => FirstRuns == 0 ? 0 : LastRuns / FirstRuns;

    private static double Mean(IEnumerable<ContinueAsNewRun> runs)
    {
        // Weighted by activations: a short last run counts for what it did.
        var list = runs.ToList();
        var activations = list.Sum(r => r.Activations);
        return activations == 0 ? 0 : list.Sum(r => r.Milliseconds) / activations;
    }
}
