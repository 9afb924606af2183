using Currant.Tests.Jobs;

namespace Currant.Tests.Workflows;

/// <summary>Counts each run of its body under a key, then echoes its input.</summary>
[Activity(Retries = 2)]
public partial class Echo
{
    public async Task<string> ExecuteAsync(string key, string text, int millis, CancellationToken ct)
    {
        Probe.Record(key, $"start:{text}");
        if (millis > 0)
        {
            await Task.Delay(millis, ct);
        }

        Probe.Record(key, $"end:{text}");
        return text.ToUpperInvariant();
    }
}

[Activity(Retries = 0)]
public partial class Explode
{
    public Task<int> ExecuteAsync(string message, CancellationToken ct) => throw new InvalidOperationException(message);
}

public sealed record ChainResult(IReadOnlyList<string> Outputs, Guid Id, DateTime StartedAt);

/// <summary>Runs Echo <c>steps</c> times one after another.</summary>
[Workflow(Queue = "wf")]
public partial class Chain
{
    public async Task<ChainResult> RunAsync(string key, int steps)
    {
        var started = Workflow.UtcNow;
        var outputs = new List<string>();
        for (var i = 0; i < steps; i++)
        {
            outputs.Add(await Echo.Run(key, $"step{i}", 0));
        }

        return new ChainResult(outputs, Workflow.NewGuid(), started);
    }
}

/// <summary>Fans out <c>width</c> slow activities at once.</summary>
[Workflow(Queue = "wf")]
public partial class FanOut
{
    public async Task<string[]> RunAsync(string key, int width, int millis)
    {
        var calls = Enumerable.Range(0, width).Select(i => Echo.Run(key, $"p{i}", millis)).ToArray();
        return await Task.WhenAll(calls);
    }
}

[Workflow(Queue = "wf")]
public partial class Approval
{
    public async Task<string> RunAsync(string key, double timeoutSeconds)
    {
        await Echo.Run(key, "requested", 0);
        try
        {
            var decision = await Workflow.WaitForSignal<string>("decision", TimeSpan.FromSeconds(timeoutSeconds));
            return $"decided:{decision}";
        }
        catch (TimeoutException)
        {
            return "timed out";
        }
    }
}

[Workflow(Queue = "wf")]
public partial class TwoSignals
{
    public async Task<string> RunAsync()
    {
        var first = await Workflow.WaitForSignal<int>("number");
        var second = await Workflow.WaitForSignal<int>("number");
        return $"{first},{second}";
    }
}

[Workflow(Queue = "wf")]
public partial class Sleepy
{
    public async Task<string> RunAsync(string key, double seconds)
    {
        await Echo.Run(key, "before", 0);
        await Workflow.Sleep(TimeSpan.FromSeconds(seconds));
        await Echo.Run(key, "after", 0);
        return "rested";
    }
}

[Workflow(Queue = "wf")]
public partial class Parent
{
    public async Task<string> RunAsync(string key)
    {
        var child = await Chain.Run(key, 2);
        return string.Join("+", child.Outputs);
    }
}

[Workflow(Queue = "wf")]
public partial class FailsOnActivity
{
    public async Task<string> RunAsync(string message)
    {
        try
        {
            await Explode.Run(message);
            return "unreachable";
        }
        catch (ExecutionFailedException ex)
        {
            return $"caught {ex.Error.Type}: {ex.Error.Message}";
        }
    }
}

[Workflow(Queue = "wf")]
public partial class Versioned
{
    public static int CodeVersion { get; set; } = 1;

    public async Task<string> RunAsync(string key)
    {
        await Echo.Run(key, "one", 0);
        var path = "v1-path";
#pragma warning disable CUR1008 // The static switch stands in for deploying new code between runs.
        if (CodeVersion >= 2 && Workflow.GetVersion("add-sms", 1, 2) >= 2)
#pragma warning restore CUR1008
        {
            await Echo.Run(key, "sms", 0);
            path = "v2-path";
        }

        await Echo.Run(key, "two", 0);
        await Workflow.WaitForSignal<string>("go");
        return path;
    }
}

[Workflow(Queue = "wf")]
public partial class StepsAndJobs
{
    public async Task<string> RunAsync(string key)
    {
        var token = await Workflow.Step("make-token", _ =>
        {
            Probe.Record(key, "step");
            return Task.FromResult("tok-42");
        });
        var job = await Greet.Options(queue: "never-served-" + key).Queue("from workflow");
        await Echo.Run(key, token, 0);
        return $"{token}:{job.Id}";
    }
}

[Workflow(Queue = "wf")]
public partial class Blocker
{
    public Task<string> RunAsync()
    {
#pragma warning disable CUR1003 // Blocks the scheduler on purpose: the engine must detect and report it.
        Thread.Sleep(TimeSpan.FromSeconds(4));
#pragma warning restore CUR1003
        return Task.FromResult("never");
    }
}

/// <summary>Its first call depends on a static switch, to simulate a deploy that changed recorded code.</summary>
[Workflow(Queue = "wf")]
public partial class Drifting
{
    public static bool Broken { get; set; }

    public async Task<string> RunAsync(string key)
    {
#pragma warning disable CUR1008 // Nondeterministic on purpose: the engine must park the workflow, not fail it.
        if (Broken)
#pragma warning restore CUR1008
        {
            await Explode.Run("changed");
        }
        else
        {
            await Echo.Run(key, "a", 0);
        }

        await Workflow.WaitForSignal<string>("go");
        await Echo.Run(key, "b", 0);
        return "done";
    }
}

/// <summary>Waits on its token, recording a cancellation.</summary>
[Activity(Retries = 0, Timeout = 60)]
public partial class Linger
{
    public async Task ExecuteAsync(string key, CancellationToken ct)
    {
        Probe.Record(key, "linger-start");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
        }
        catch (OperationCanceledException)
        {
            Probe.Record(key, "linger-cancelled");
            throw;
        }
    }
}

[Workflow(Queue = "wf")]
public partial class LingerTwice
{
    public async Task RunAsync(string key)
        => await Task.WhenAll(Linger.Run(key), Linger.Run(key));
}

[Workflow(Queue = "wf", Timeout = 1)]
public partial class TooSlow
{
    public async Task RunAsync(string key) => await Linger.Run(key);
}

/// <summary>An inline step whose result PostgreSQL refuses, so no activation of this workflow can commit.</summary>
[Workflow(Queue = "wf")]
public partial class UnstorableStep
{
    public async Task<string> RunAsync(string key)
    {
        var value = await Workflow.Step("poison", _ =>
        {
            Probe.Record(key, "step");
            return Task.FromResult("nul\0inside");
        });
        return value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Waits for a signal whose name comes from the caller (to try names outside the rule).</summary>
[Workflow(Queue = "wf")]
public partial class WaitForNamedSignal
{
    public async Task<string> RunAsync(string signal) => await Workflow.WaitForSignal<string>(signal);
}
