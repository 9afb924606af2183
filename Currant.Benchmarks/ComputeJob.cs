using System.Security.Cryptography;
using System.Text;

namespace Currant.Benchmarks;

/// <summary>
/// A CPU-bound job (<c>--compute</c>): SHA-256 of its payload (empty without <c>--payload-size</c>) and its number,
/// then <see cref="Rounds"/> more SHA-256 rounds, each over the previous 32-byte digest. The same work for every job
/// and no I/O, so it shows how the worker shares the cores between jobs and its own work.
/// </summary>
[Job(Queue = "bench", Retries = 0)]
public partial class ComputeJob
{
    /// <summary>About 1 ms of CPU per job on the machine docs/benchmarks.md was measured on.</summary>
    public const int Rounds = 1_000;

    public Task ExecuteAsync(int n, string payload, CancellationToken ct)
    {
        Digest(n, payload);
        BenchProbe.Executed1();
        return Task.CompletedTask;
    }

    internal static byte[] Digest(int n, string payload)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{n}:{payload}"));
        for (var i = 0; i < Rounds; i++)
        {
            SHA256.HashData(digest, digest);
        }

        return digest;
    }
}
