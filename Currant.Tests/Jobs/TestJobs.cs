using System.Collections.Concurrent;

namespace Currant.Tests.Jobs;

/// <summary>Side effects of the test jobs, keyed by a string each test makes unique.</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<(DateTimeOffset At, int Attempt, string Note)>> Events = new();

    public static void Record(string key, string note = "", int attempt = 0)
        => Events.GetOrAdd(key, _ => new()).Enqueue((DateTimeOffset.UtcNow, attempt, note));

    public static IReadOnlyList<(DateTimeOffset At, int Attempt, string Note)> Of(string key)
        => Events.TryGetValue(key, out var q) ? q.ToArray() : [];

    public static int Count(string key) => Events.TryGetValue(key, out var q) ? q.Count : 0;
}

public sealed record Greeting(string Text, int Length);

[Job(Queue = "tests")]
public partial class Greet
{
    public Task<Greeting> ExecuteAsync(string name, CancellationToken ct)
        => Task.FromResult(new Greeting($"Hello, {name}!", name.Length));
}

[Job(Queue = "tests")]
public partial class RecordOrder
{
    public Task ExecuteAsync(string key, string label, CancellationToken ct)
    {
        Probe.Record(key, label);
        return Task.CompletedTask;
    }
}

/// <summary>Fails <c>failures</c> times, then returns the attempt that succeeded.</summary>
[Job(Queue = "tests", Retries = 5)]
public partial class Flaky
{
    public Task<int> ExecuteAsync(string key, int failures, CancellationToken ct)
    {
        var attempt = Probe.Count(key) + 1;
        Probe.Record(key, "attempt", attempt);
        if (attempt <= failures)
        {
            throw new InvalidOperationException($"flaky failure {attempt}");
        }

        return Task.FromResult(attempt);
    }
}

[Job(Queue = "tests", Retries = 5, NonRetryable = [typeof(ArgumentException)])]
public partial class RejectsBadInput
{
    public Task ExecuteAsync(string key, CancellationToken ct)
    {
        Probe.Record(key, "attempt");
        throw new ArgumentException("the input is wrong");
    }
}

/// <summary>Waits on its token until cancelled or <c>seconds</c> pass.</summary>
[Job(Queue = "tests", Retries = 0, Timeout = 1)]
public partial class Sleeper
{
    public async Task<string> ExecuteAsync(string key, double seconds, CancellationToken ct)
    {
        Probe.Record(key, "started");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        }
        catch (OperationCanceledException)
        {
            Probe.Record(key, "cancelled");
            throw;
        }

        Probe.Record(key, "finished");
        return "slept";
    }
}

public interface IGreetingFormatter
{
    string Format(string name);
}

public sealed class ExclaimingFormatter : IGreetingFormatter
{
    public string Format(string name) => $"{name}!!!";
}

[Job(Queue = "tests")]
public partial class FormatWithService(IGreetingFormatter formatter)
{
    public Task<string> ExecuteAsync(string name, CancellationToken ct) => Task.FromResult(formatter.Format(name));
}

[Job(Queue = "bulk", Retries = 0)]
public partial class Tally
{
    public Task<int> ExecuteAsync(string key, int n, CancellationToken ct)
    {
        Probe.Record(key, n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Task.FromResult(n);
    }
}

/// <summary>Returns <c>ok-n</c>, or when <c>poison</c> is set a string with a NUL, which jsonb cannot store.</summary>
[Job(Queue = "tests")]
public partial class MaybePoison
{
    public Task<string> ExecuteAsync(int n, bool poison, CancellationToken ct)
        => poison ? Task.FromResult($"bad\0{n}") : Task.FromResult($"ok-{n}");
}

/// <summary>Fails with a message that carries a NUL.</summary>
[Job(Queue = "tests")]
public partial class ThrowsNul
{
    public Task ExecuteAsync(CancellationToken ct) => throw new InvalidOperationException("broken\0message");
}
