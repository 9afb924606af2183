using Currant;

namespace PackageTest;

// The executions every fresh project of the package test defines (copied into each): one job, one activity, one
// workflow. Each app runs its worker on the "app" queue of the shared test database, one app after another.

[Job(Queue = "app")]
public partial class Greet
{
    public Task<string> ExecuteAsync(string name, CancellationToken ct) => Task.FromResult($"Hello, {name}!");
}

[Activity]
public partial class CreateAccount
{
    public Task<int> ExecuteAsync(string name, CancellationToken ct) => Task.FromResult(name.Length);
}

[Workflow(Queue = "app")]
public partial class Onboard
{
    public async Task<string> RunAsync(string name) => $"account {await CreateAccount.Run(name)} for {name}";
}

[Workflow(Queue = "app")]
public partial class Remind
{
    public async Task<string> RunAsync(string name)
    {
        var start = Workflow.UtcNow;
        await Workflow.Sleep(TimeSpan.FromDays(7));
        return $"reminded {name} after {(Workflow.UtcNow - start).TotalDays:0} days";
    }
}
