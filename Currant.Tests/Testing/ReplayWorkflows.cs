namespace Currant.Tests.Testing;

/// <summary>
/// Which build of <see cref="ShipOrder"/> this process plays: "A" (the build that recorded the histories),
/// "Compatible" (adds replay-safe reads and a guarded change) or "Incompatible" (inserts a call). From
/// CURRANT_TEST_REPLAY_BUILD, so a `currant replay` process can play another build; in-process tests set it.
/// </summary>
public static class ReplayBuild
{
#pragma warning disable CUR1007 // Stands in for the build under test: a per-process fact is exactly what these tests need.
    public static string Current { get; set; } = Environment.GetEnvironmentVariable("CURRANT_TEST_REPLAY_BUILD") ?? "A";
#pragma warning restore CUR1007
}

[Activity]
public partial class ReplayReserve
{
    public Task<string> ExecuteAsync(string order, CancellationToken ct) => Task.FromResult($"reserved {order}");
}

[Activity]
public partial class ReplayCharge
{
    public Task<string> ExecuteAsync(string order, CancellationToken ct) => Task.FromResult($"charged {order}");
}

[Activity]
public partial class ReplayNotify
{
    public Task<string> ExecuteAsync(string order, CancellationToken ct) => Task.FromResult($"notified {order}");
}

/// <summary>Reserves, charges, then waits for "shipped": recorded histories stay in flight at the wait.</summary>
// CUR1008 is right that a workflow must not read mutable statics: this one stands for two builds of the code.
#pragma warning disable CUR1008
[Workflow(Queue = "replay")]
public partial class ShipOrder
{
    public async Task<string> RunAsync(string order)
    {
        var reserved = await ReplayReserve.Run(order);
        if (ReplayBuild.Current == "Incompatible")
        {
            await ReplayNotify.Run(order); // replay-test: the incompatible call
        }

        if (ReplayBuild.Current == "Compatible")
        {
            // Replay-safe reads take no step, and a guarded change runs only for new workflows.
            _ = Workflow.UtcNow;
            _ = Workflow.NewGuid();
            if (Workflow.GetVersion("notify-first", 1, 2) == 2)
            {
                await ReplayNotify.Run(order);
            }
        }

        var charged = await ReplayCharge.Run(order);
        var shipped = await Workflow.WaitForSignal<string>("shipped");
        return $"{reserved}, {charged}, {shipped}";
    }
}
#pragma warning restore CUR1008

/// <summary>Counts the runs of <see cref="StepAfterActivity"/>'s inline step body.</summary>
public static class StepBodyRuns
{
    private static int s_count;

    public static int Count => Volatile.Read(ref s_count);

    public static int Increment() => Interlocked.Increment(ref s_count);
}

/// <summary>An activity, then an inline step with a side effect a replay must never cause.</summary>
[Workflow(Queue = "replay")]
public partial class StepAfterActivity
{
    public async Task<int> RunAsync(string label)
    {
        await EchoLabel.Run(label);
        return await Workflow.Step("side effect", _ => Task.FromResult(StepBodyRuns.Increment()));
    }
}
