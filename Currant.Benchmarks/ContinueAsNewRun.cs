namespace Currant.Benchmarks;

/// <summary>One run of the chain: its activations, history rows and wall time (created → completed, database clock).</summary>
internal sealed record ContinueAsNewRun(int Run, int Activations, double Milliseconds, long HistoryRows)
{
    public double MsPerActivation => Activations == 0 ? 0 : Milliseconds / Activations;
}
