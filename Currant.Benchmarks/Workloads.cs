using System.Diagnostics;

namespace Currant.Benchmarks;

/// <summary>Counters the benchmark jobs report to, read by the driver in the same process.</summary>
internal static class BenchProbe
{
    private static long _executed;
    private static long[] _starts = [];

    public static long Executed => Interlocked.Read(ref _executed);

    public static void Reset(int latencySlots)
    {
        Interlocked.Exchange(ref _executed, 0);
        _starts = new long[latencySlots];
    }

    public static void Executed1() => Interlocked.Increment(ref _executed);

    public static void Started(int slot)
    {
        var starts = _starts;
        if ((uint)slot < (uint)starts.Length)
        {
            starts[slot] = Stopwatch.GetTimestamp();
        }
    }

    public static long StartOf(int slot) => Volatile.Read(ref _starts[slot]);
}
