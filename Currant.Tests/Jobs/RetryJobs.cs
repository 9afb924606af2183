using System.Collections.Concurrent;

namespace Currant.Tests.Jobs;

/// <summary>Fails <c>failures</c> times, then succeeds; retried every second whatever the worker's backoff ("poll every 1 s").</summary>
[Job(Queue = "tests", Retries = 5, RetryDelay = 1, RetryBackoff = 1)]
public partial class PollEverySecond
{
    public Task<int> ExecuteAsync(string key, int failures, CancellationToken ct)
    {
        Probe.Record(key, "attempt", Execution.Attempt);
        if (Execution.Attempt <= failures)
        {
            throw new InvalidOperationException($"not ready on attempt {Execution.Attempt}");
        }

        return Task.FromResult(Execution.Attempt);
    }
}

/// <summary>Records <c>beats</c> progress heartbeats (1..beats) on its first attempt and fails; a retry returns the details it finds.</summary>
[Job(Queue = "tests", Retries = 2, RetryDelay = 0.05)]
public partial class BeatThenFail
{
    public async Task<int> ExecuteAsync(string key, int beats, CancellationToken ct)
    {
        if (Execution.Attempt == 1)
        {
            Execution.Heartbeat(1);
            // Long enough for the first beat's write to land before the rest arrive.
            await Task.Delay(300, ct);
            for (var i = 2; i <= beats; i++)
            {
                Execution.Heartbeat(i);
            }

            throw new InvalidOperationException("first attempt fails after its heartbeats");
        }

        Probe.Record(key, "retry", Execution.Attempt);
        return Execution.GetHeartbeatDetails<int>();
    }
}

/// <summary>Progress a heartbeat carries.</summary>
public sealed record Progress(int Done, string Cursor);

/// <summary>
/// First attempt: three heartbeats, then silence: it waits on its token (cooperative) or, with <c>stuck</c>, on
/// <see cref="Release"/> only, ignoring its token like code blocked in a call. The retry returns where it resumed.
/// </summary>
[Job(Queue = "tests", Retries = 3, RetryDelay = 0, HeartbeatTimeout = 1)]
public partial class GoesSilent
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Release = new();

    public async Task<string> ExecuteAsync(string key, bool stuck, CancellationToken ct)
    {
        if (Execution.Attempt == 1)
        {
            for (var i = 1; i <= 3; i++)
            {
                Execution.Heartbeat(new Progress(i, $"page-{i}"));
                Probe.Record(key, "beat", 1);
                await Task.Delay(50, CancellationToken.None);
            }

            if (stuck)
            {
                await Release.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                Probe.Record(key, "stuck attempt returned", 1);
                return "the stuck attempt";
            }

            await Task.Delay(Timeout.Infinite, ct);
        }

        var progress = Execution.GetHeartbeatDetails<Progress>();
        Probe.Record(key, "resumed", Execution.Attempt);
        return $"attempt {Execution.Attempt} resumed at {progress?.Done} ({progress?.Cursor})";
    }
}

/// <summary>Heartbeats with the text it is given (and a NUL at its end with <c>withNul</c>) and reports what happened.</summary>
[Job(Queue = "tests")]
public partial class BeatWith
{
    public Task<string> ExecuteAsync(string details, bool withNul, CancellationToken ct)
    {
        try
        {
            Execution.Heartbeat(withNul ? details + "\0" : details);
            return Task.FromResult("beat: " + Execution.GetHeartbeatDetails<string>());
        }
        catch (ArgumentException ex)
        {
            return Task.FromResult("refused: " + ex.Message);
        }
    }
}

/// <summary>An activity that heartbeats progress and fails its first attempt; the retry returns the details it finds.</summary>
[Activity(Retries = 2, RetryDelay = 0.05)]
public partial class BeatingStep
{
    public Task<string> ExecuteAsync(string key, CancellationToken ct)
    {
        if (Execution.Attempt == 1)
        {
            Execution.Heartbeat(new Progress(7, "row-7"));
            throw new InvalidOperationException("first attempt fails");
        }

        var progress = Execution.GetHeartbeatDetails<Progress>();
        return Task.FromResult($"attempt {Execution.Attempt} resumed at {progress?.Done}");
    }
}

/// <summary>An activity with a heartbeat timeout that goes silent on its first attempt.</summary>
[Activity(Retries = 2, RetryDelay = 0, HeartbeatTimeout = 1)]
public partial class SilentStep
{
    public async Task<string> ExecuteAsync(string key, CancellationToken ct)
    {
        if (Execution.Attempt == 1)
        {
            Execution.Heartbeat(new Progress(42, "row-42"));
            await Task.Delay(Timeout.Infinite, ct);
        }

        var progress = Execution.GetHeartbeatDetails<Progress>();
        return $"attempt {Execution.Attempt} resumed at {progress?.Done}";
    }
}

/// <summary>Runs one BeatingStep.</summary>
[Workflow(Queue = "wf")]
public partial class BeatingFlow
{
    public Task<string> RunAsync(string key) => BeatingStep.Run(key);
}

/// <summary>Runs one SilentStep.</summary>
[Workflow(Queue = "wf")]
public partial class SilentFlow
{
    public Task<string> RunAsync(string key) => SilentStep.Run(key);
}

/// <summary>Two SilentSteps side by side: both committed in one activation as rows of their own.</summary>
[Workflow(Queue = "wf")]
public partial class TwoSilentSteps
{
    public async Task<string[]> RunAsync(string key) => await Task.WhenAll(SilentStep.Run(key + "a"), SilentStep.Run(key + "b"));
}

/// <summary>Workflow code may not heartbeat.</summary>
[Workflow(Queue = "wf")]
public partial class HeartbeatingWorkflow
{
    public Task<string> RunAsync()
    {
        Execution.Heartbeat();
        return Task.FromResult("unreachable");
    }
}

/// <summary>An activity retried at a constant 0.3 s: fails twice, then returns its attempt.</summary>
[Activity(Retries = 3, RetryDelay = 0.3, RetryBackoff = 1)]
public partial class PollingStep
{
    public Task<int> ExecuteAsync(string key, CancellationToken ct)
    {
        Probe.Record(key, "attempt", Execution.Attempt);
        if (Execution.Attempt <= 2)
        {
            throw new InvalidOperationException("not yet");
        }

        return Task.FromResult(Execution.Attempt);
    }
}

/// <summary>Runs one PollingStep.</summary>
[Workflow(Queue = "wf")]
public partial class PollingFlow
{
    public Task<int> RunAsync(string key) => PollingStep.Run(key);
}
