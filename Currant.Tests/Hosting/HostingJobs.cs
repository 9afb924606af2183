using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Currant.Tests.Hosting;

/// <summary>A dependency registered as scoped: each execution must get its own, disposed when it ends.</summary>
public sealed class ScopedDependency : IDisposable
{
    public static readonly ConcurrentDictionary<Guid, bool> Disposed = new();

    public Guid Id { get; } = Guid.NewGuid();

    public void Dispose() => Disposed[Id] = true;
}

/// <summary>A dependency registered as a singleton: every execution shares it.</summary>
public sealed class SingletonDependency
{
    public Guid Id { get; } = Guid.NewGuid();
}

public sealed record ScopeReport(Guid Scoped, Guid Singleton);

[Job(Queue = "hosting")]
public partial class ReportScope(ScopedDependency scoped, SingletonDependency singleton)
{
    public Task<ScopeReport> ExecuteAsync(CancellationToken ct) => Task.FromResult(new ScopeReport(scoped.Id, singleton.Id));
}

/// <summary>
/// Counts what the <see cref="Hold"/> jobs of one key do, and lets a test wait for a count without sleeping.
/// While <see cref="Holding"/>, a holding job waits until it is cancelled; a releasable one waits for <see cref="Release"/>.
/// </summary>
public sealed class Gate
{
    private static readonly ConcurrentDictionary<string, Gate> Gates = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<Gate, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public static Gate For(string key) => Gates.GetOrAdd(key, _ => new Gate());

    public volatile bool Holding = true;

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Started { get; private set; }

    public int Cancelled { get; private set; }

    public int Finished { get; private set; }

    public void Record(Action<Gate> change)
    {
        lock (_lock)
        {
            change(this);
            foreach (var waiter in _waiters.Where(w => w.Condition(this)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    public Task WaitAsync(Func<Gate, bool> condition, TimeSpan timeout)
    {
        lock (_lock)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    internal void CountStarted() => Record(g => g.Started++);

    internal void CountCancelled() => Record(g => g.Cancelled++);

    internal void CountFinished() => Record(g => g.Finished++);
}

[Job(Queue = "hosting", Retries = 0)]
public partial class Hold
{
    public async Task<string> ExecuteAsync(string key, bool untilCancelled, CancellationToken ct)
    {
        var gate = Gate.For(key);
        gate.CountStarted();
        try
        {
            if (untilCancelled && gate.Holding)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            else if (!untilCancelled)
            {
                await gate.Release.Task.WaitAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            gate.CountCancelled();
            throw;
        }

        gate.CountFinished();
        return untilCancelled ? "held" : "released";
    }
}

[Job(Queue = "hosting")]
public partial class LogLine(ILogger<LogLine> logger)
{
    public Task ExecuteAsync(string text, CancellationToken ct)
    {
        logger.LogInformation("job says {Text}", text);
        return Task.CompletedTask;
    }
}

/// <summary>Enqueues a <see cref="Jobs.Greet"/> from inside an attempt (the trace must carry on through it).</summary>
[Job(Queue = "hosting")]
public partial class EnqueueGreeting(ICurrantClient client)
{
    public async Task<Guid> ExecuteAsync(string queue, string name, CancellationToken ct)
        => (await Jobs.Greet.Options(queue: queue, client: client).Queue(name)).Id;
}
