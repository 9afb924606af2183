using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Currant.Tests.Generators;

/// <summary>
/// Stands in for a running workflow instance, so tests see what generated <c>Run</c> and in-workflow <c>Queue</c>
/// stubs hand to the engine. Only the members those stubs use are implemented; the rest belong to the engine's tests.
/// </summary>
internal sealed class FakeWorkflowContext(JsonSerializerOptions serializerOptions, ICurrantClient client) : IWorkflowContext
{
    public JsonSerializerOptions SerializerOptions { get; } = serializerOptions;

    public ICurrantClient Client { get; } = client;

    /// <summary>Every Run, in call order.</summary>
    public List<(ExecutionDefinition Definition, byte[] Arguments, EnqueueOptions? Options)> Runs { get; } = [];

    /// <summary>Every recorded enqueue, in call order, with the ids it returned.</summary>
    public List<(ExecutionDefinition Definition, IReadOnlyList<byte[]> Arguments, EnqueueOptions? Options, IReadOnlyList<Guid> Ids)> Queued { get; } = [];

    /// <summary>The recorded result JSON a Run returns, by execution name; a name not listed returns null.</summary>
    public Dictionary<string, string> Results { get; } = new(StringComparer.Ordinal);

    public Guid WorkflowId => throw NotUsed();

    public bool IsReplaying => throw NotUsed();

    public DateTime UtcNow => throw NotUsed();

    public Random Random => throw NotUsed();

    public ILogger Logger => throw NotUsed();

    /// <summary>Makes this the running workflow on the calling thread until the scope is disposed.</summary>
    public Scope Enter()
    {
        WorkflowContextAccessor.Current = this;
        return default;
    }

    public Task<byte[]?> RunAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options)
    {
        Runs.Add((definition, arguments, options));
        return Task.FromResult(Results.TryGetValue(definition.Name, out var json) ? System.Text.Encoding.UTF8.GetBytes(json) : null);
    }

    public IReadOnlyList<Guid> Queue(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options)
    {
        var ids = arguments.Select(_ => Guid.NewGuid()).ToArray();
        Queued.Add((definition, arguments, options, ids));
        return ids;
    }

    public Guid NewGuid() => throw NotUsed();

    public Task SleepAsync(TimeSpan duration) => throw NotUsed();

    public Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan? timeout) => throw NotUsed();

    public List<(Guid WorkflowId, string Name, string? Payload)> SignalsSent { get; } = [];

    public Task SignalExternalAsync(Guid workflowId, string name, byte[]? payload)
    {
        SignalsSent.Add((workflowId, name, payload is null ? null : System.Text.Encoding.UTF8.GetString(payload)));
        return Task.CompletedTask;
    }

    public Task<T> WaitForSignalAsync<T>(string name, TimeSpan? timeout) => throw NotUsed();

    public int GetVersion(string changeId, int minSupported, int maxSupported) => throw NotUsed();

    public Task<T> StepAsync<T>(string name, Func<CancellationToken, Task<T>> step) => throw NotUsed();

    public CancellationToken CancellationToken => throw NotUsed();

    public void SetTag(string key, string value) => throw NotUsed();

    /// <summary>Every ContinueAsNew, in call order.</summary>
    public List<(ExecutionDefinition Definition, byte[] Arguments)> Continued { get; } = [];

    public ContinueAsNewException ContinueAsNew(ExecutionDefinition definition, byte[] arguments)
    {
        Continued.Add((definition, arguments));
        return new ContinueAsNewException(definition, arguments);
    }

    private static NotSupportedException NotUsed() => new("Generated stubs do not use this member.");

    /// <summary>Leaves the workflow: the thread is ordinary code again.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => WorkflowContextAccessor.Current = null;
    }
}
