namespace Currant.Tests.Dashboard;

/// <summary>A job whose card number is [Sensitive]: stored as given, shown as "***".</summary>
[Job(Queue = "dashboard")]
public partial class ChargeCardJob
{
    public Task<string> ExecuteAsync(string customer, [Sensitive] string cardNumber, int amount, CancellationToken ct)
        => Task.FromResult($"{customer}:{cardNumber[^4..]}:{amount}");
}

/// <summary>A job that always fails, so the dashboard has something to retry.</summary>
[Job(Queue = "dashboard", Retries = 0)]
public partial class AlwaysFails
{
    public Task ExecuteAsync(string why, CancellationToken ct) => throw new InvalidOperationException(why);
}

/// <summary>Waits for a "go" signal, then runs one step: a timeline with a step, a signal wait and a signal.</summary>
[Workflow(Queue = "dashboard")]
public partial class WaitsForGo
{
    public async Task<string> RunAsync(string key)
    {
        var first = await Workflow.Step("prepare", _ => Task.FromResult(key + "-prepared"));
        var go = await Workflow.WaitForSignal<string>("go", TimeSpan.FromHours(1));
        return $"{first}:{go}";
    }
}
