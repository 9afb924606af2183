namespace Currant.Benchmarks;

/// <summary>A counter the benchmark jobs report to, read by the bench when its worker runs in the same process.</summary>
internal static class BenchProbe
{
    private static long _executed;

    public static long Executed => Interlocked.Read(ref _executed);

    public static void Reset() => Interlocked.Exchange(ref _executed, 0);

    public static void Executed1() => Interlocked.Increment(ref _executed);
}
