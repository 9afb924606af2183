using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>What the running workflow instance provides to the static <see cref="Workflow"/> API.</summary>
internal interface IWorkflowContext
{
    Guid WorkflowId { get; }

    bool IsReplaying { get; }

    DateTime UtcNow { get; }

    Random Random { get; }

    ILogger Logger { get; }

    Guid NewGuid();

    Task SleepAsync(TimeSpan duration);

    Task<T> WaitForSignalAsync<T>(string name, TimeSpan? timeout);

    int GetVersion(string changeId, int minSupported, int maxSupported);

    Task<T> StepAsync<T>(string name, Func<CancellationToken, Task<T>> step);

    System.Text.Json.JsonSerializerOptions SerializerOptions { get; }

    CancellationToken CancellationToken { get; }

    void SetTag(string key, string value);

    ContinueAsNewException ContinueAsNew(ExecutionDefinition definition, byte[] arguments);

    ICurrantClient Client { get; }

    /// <summary>Schedules an activity or child workflow (or returns its recorded outcome) and returns its result JSON.</summary>
    Task<byte[]?> RunAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options);

    /// <summary>Waits until <paramref name="condition"/> holds (checked after every change of workflow state); false when <paramref name="timeout"/> passes first.</summary>
    Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan? timeout);

    /// <summary>Sends a signal to another workflow once: recorded, stored with the activation's commit.</summary>
    Task SignalExternalAsync(Guid workflowId, string name, byte[]? payload);

    /// <summary>Enqueues a job or workflow once: replay returns the recorded ids instead of enqueuing again.</summary>
    IReadOnlyList<Guid> Queue(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options);
}
