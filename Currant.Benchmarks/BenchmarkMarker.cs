namespace Currant.Benchmarks;

internal static class BenchmarkMarker;
