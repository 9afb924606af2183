using Currant.Tests.Jobs;
using Currant.Tests.Workflows;

namespace Currant.Tests.LongLived;

/// <summary>Counts to <c>total</c> one recorded step at a time, continuing as new every <c>perRun</c> steps.</summary>
[Workflow(Queue = "wf")]
public partial class CountingLoop
{
    public async Task<int> RunAsync(int total, int perRun, int done)
    {
        for (var i = 0; i < perRun && done < total; i++)
        {
            done = await Workflow.Step("tick", _ => Task.FromResult(done + 1));
        }

        if (done < total)
        {
            throw ContinueAsNew(total, perRun, done);
        }

        return done;
    }
}

/// <summary>Each run takes one "item" signal; run 0 then continues as new, run 1 takes one more and returns them all.</summary>
[Workflow(Queue = "wf")]
public partial class SignalRelay
{
    public async Task<string> RunAsync(int run, string seen)
    {
        seen += await Workflow.WaitForSignal<string>("item");
        if (run == 0)
        {
            Workflow.SetTag("stage", "second-run");
            throw ContinueAsNew(1, seen);
        }

        seen += await Workflow.WaitForSignal<string>("item");
        return seen;
    }
}

/// <summary>A parent whose child continues as new once: the parent gets the chain's final result.</summary>
[Workflow(Queue = "wf")]
public partial class ParentOfLoop
{
    public async Task<int> RunAsync(int total, string queue) => await CountingLoop.Options(queue: queue).Run(total, 2, 0) + 1000;
}

/// <summary>Tries to continue as a different workflow: a clear error, not a silent switch.</summary>
[Workflow(Queue = "wf")]
public partial class ContinuesAsOther
{
    public Task<int> RunAsync(int n) => throw CountingLoop.ContinueAsNew(n, 1, 0);
}

/// <summary>
/// Waits for a signal that never comes; on cancellation it runs a clean-up activity and a clean-up step, then lets
/// the cancellation end it. Reads the token first, which makes its cancellation cooperative.
/// </summary>
[Workflow(Queue = "wf")]
public partial class CleansUpOnCancel
{
    public async Task<string> RunAsync(string key)
    {
        var token = Workflow.CancellationToken;
        try
        {
            await Echo.Run(key, "work", 0);
            await Workflow.WaitForSignal<string>("never");
            return "finished";
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await Echo.Run(key, "cleanup", 0);
            await Workflow.Step("release", _ =>
            {
                Probe.Record(key, "released");
                return Task.FromResult(true);
            });
            throw;
        }
    }
}

/// <summary>
/// Waits for "start", then runs a slow activity inside its activation: a cancel that arrives meanwhile is recorded,
/// and delivered once the activation has committed and the workflow waits again.
/// </summary>
[Workflow(Queue = "wf")]
public partial class CancelledWhileRunning
{
    public async Task<string> RunAsync(string key, int workMillis)
    {
        var token = Workflow.CancellationToken;
        await Workflow.WaitForSignal<string>("start");
        try
        {
            await Echo.Run(key, "work", workMillis);
            await Workflow.WaitForSignal<string>("never");
            return "finished";
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await Echo.Run(key, "cleanup", 0);
            throw;
        }
    }
}

/// <summary>Reads the token but swallows the cancellation and waits again: only a second cancel ends it.</summary>
[Workflow(Queue = "wf")]
public partial class IgnoresCancel
{
    public async Task<string> RunAsync(string key)
    {
        _ = Workflow.CancellationToken;
        try
        {
            await Workflow.Sleep(TimeSpan.FromDays(1));
        }
        catch (OperationCanceledException)
        {
            await Workflow.Step("ignored", _ =>
            {
                Probe.Record(key, "ignored");
                return Task.FromResult(true);
            });
        }

        await Workflow.Sleep(TimeSpan.FromDays(1));
        return "finished";
    }
}

/// <summary>Tags itself as it goes.</summary>
[Workflow(Queue = "wf")]
public partial class TagsItself
{
    public async Task<string> RunAsync(string key, string order)
    {
        Workflow.SetTag("order", order);
        Workflow.SetTag("stage", "charging");
        var charged = await Echo.Run(key, order, 0);
        Workflow.SetTag("stage", "shipped");
        return charged;
    }
}

/// <summary>
/// A tally that updates add to; each "Next" signal ends the run, which continues as new with the tally until run
/// <c>last</c>, which returns it. Signals and updates are addressed to the first run's id by the tests.
/// </summary>
[Workflow(Queue = "wf")]
public partial class ChainedTally
{
    private int _tally;
    private bool _next;

    public async Task<int> RunAsync(int run, int last, int tally)
    {
        // Added, not assigned: an update carried over from the previous run may be handled before this line runs.
        _tally += tally;
        await Workflow.WaitUntil(() => _next);
        if (run < last)
        {
            throw ContinueAsNew(run + 1, last, _tally);
        }

        return _tally;
    }

    [Update]
    public int Add(int amount)
    {
        _tally += amount;
        return _tally;
    }

    [Signal]
    public void Next(string why) => _next = true;

    [Query]
    public int Tally() => _tally;
}

/// <summary>Signals a <see cref="ChainedTally"/> from workflow code, by the id it was given (the chain's first run).</summary>
[Workflow(Queue = "wf")]
public partial class TallyCloser
{
    public async Task<string> RunAsync(Guid tally)
    {
        await ChainedTally.GetHandle(tally).Signals.Next("from a workflow");
        return "sent";
    }
}
