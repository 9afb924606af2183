using System.Text.Json.Serialization;
using Currant;

namespace AotWorker;

public sealed record Greeting(string To, string Text);

[Job(Queue = "greetings", Retries = 3)]
public partial class Greet(ILogger<Greet> logger)
{
    public Task<Greeting> ExecuteAsync(string name, CancellationToken ct)
    {
        logger.LogInformation("Greeting {Name}", name);
        return Task.FromResult(new Greeting(name, $"Hello, {name}!"));
    }
}

[Activity(Retries = 3, Timeout = 60)]
public partial class CreateAccount
{
    public Task<int> ExecuteAsync(string name, CancellationToken ct) => Task.FromResult(name.Length * 1000 + 7);
}

[Workflow(Queue = "greetings")]
public partial class Onboard
{
    public async Task<string> RunAsync(string name)
    {
        var account = await CreateAccount.Run(name);
        var again = await CreateAccount.Run(name + "-2");
        return $"accounts {account} and {again} for {name}";
    }
}

/// <summary>Every type that crosses the database as JSON, for System.Text.Json's source generator.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Greeting))]
internal sealed partial class AppJson : JsonSerializerContext;
