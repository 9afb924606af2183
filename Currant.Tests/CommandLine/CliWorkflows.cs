namespace Currant.Tests.CommandLine;

/// <summary>Waits for an "ok" signal typed as a non-nullable bool.</summary>
[Workflow(Queue = "cli")]
public partial class WaitsForBool
{
    public async Task<string> RunAsync() => await Workflow.WaitForSignal<bool>("ok") ? "yes" : "no";
}

/// <summary>Waits for an "ok" signal typed as a nullable bool: an empty signal is null.</summary>
[Workflow(Queue = "cli")]
public partial class WaitsForNullableBool
{
    public async Task<string> RunAsync() => await Workflow.WaitForSignal<bool?>("ok") switch
    {
        true => "yes",
        false => "no",
        null => "empty",
    };
}
