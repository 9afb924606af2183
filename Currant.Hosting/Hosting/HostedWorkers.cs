using System.Collections.Concurrent;

namespace Currant.Hosting;

/// <summary>The workers the host runs in this process, by name, for the worker health check.</summary>
internal sealed class HostedWorkers
{
    private readonly ConcurrentDictionary<string, CurrantWorker?> _workers = new(StringComparer.Ordinal);

    /// <summary>Every worker added with <c>AddWorker</c>; the value is null until it has started (and after it stopped).</summary>
    public IReadOnlyCollection<KeyValuePair<string, CurrantWorker?>> All => _workers.ToArray();

    public void Declare(string name) => _workers.TryAdd(name, null);

    public void Started(string name, CurrantWorker worker) => _workers[name] = worker;

    public void Stopped(string name) => _workers[name] = null;
}
