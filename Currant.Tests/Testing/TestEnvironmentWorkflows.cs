using System.Collections.Concurrent;

namespace Currant.Tests.Testing;

[Activity]
public partial class EchoLabel
{
    public Task<string> ExecuteAsync(string label, CancellationToken ct) => Task.FromResult(label);
}

/// <summary>An activity, a week asleep, an activity: returns how many days of workflow time passed.</summary>
[Workflow(Queue = "testenv")]
public partial class WeekLongFlow
{
    public async Task<double> RunAsync(int days)
    {
        var start = Workflow.UtcNow;
        await EchoLabel.Run("before");
        await Workflow.Sleep(TimeSpan.FromDays(days));
        await EchoLabel.Run("after");
        return (Workflow.UtcNow - start).TotalDays;
    }
}

/// <summary>Sleeps an hour <c>times</c> times; returns the workflow time of each wake-up, in hours since the start.</summary>
[Workflow(Queue = "testenv")]
public partial class HourlyLoop
{
    public async Task<double[]> RunAsync(int times)
    {
        var start = Workflow.UtcNow;
        var wakes = new List<double>();
        for (var i = 0; i < times; i++)
        {
            await Workflow.Sleep(TimeSpan.FromHours(1));
            wakes.Add(Math.Round((Workflow.UtcNow - start).TotalHours, 2));
        }

        return [.. wakes];
    }
}

/// <summary>Counts attempts per key (a service the environment's container provides).</summary>
public sealed class AttemptCounter
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public int Next(string key) => _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public int Of(string key) => _attempts.GetValueOrDefault(key);
}

/// <summary>Fails its first attempt, so the worker retries it after its backoff.</summary>
[Activity(Retries = 3)]
public partial class FailsOnFirstTry(AttemptCounter counter)
{
    public Task<string> ExecuteAsync(string key, CancellationToken ct)
        => counter.Next(key) == 1 ? throw new InvalidOperationException("the first attempt fails") : Task.FromResult("ok");
}

/// <summary>Runs <see cref="FailsOnFirstTry"/>; returns the hours of workflow time its retry took.</summary>
[Workflow(Queue = "testenv")]
public partial class RetryingFlow
{
    public async Task<double> RunAsync(string key)
    {
        var start = Workflow.UtcNow;
        await FailsOnFirstTry.Run(key);
        return (Workflow.UtcNow - start).TotalHours;
    }
}
