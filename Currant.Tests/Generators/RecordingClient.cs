using System.Text.Json;

namespace Currant.Tests.Generators;

/// <summary>An <see cref="ICurrantClient"/> that records what the generated stubs enqueue instead of talking to Postgres.</summary>
internal sealed class RecordingClient : ICurrantClient
{
    public JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerOptions.Default);

    public List<(ExecutionDefinition Definition, byte[] Arguments, EnqueueOptions? Options, Guid Id)> Enqueued { get; } = [];

    public Task<Guid> EnqueueAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid();
        Enqueued.Add((definition, arguments, options, id));
        return Task.FromResult(id);
    }

    public Task<IReadOnlyList<Guid>> EnqueueManyAsync(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options, CancellationToken cancellationToken = default)
    {
        var ids = new List<Guid>();
        foreach (var item in arguments)
        {
            var id = Guid.NewGuid();
            Enqueued.Add((definition, item, options, id));
            ids.Add(id);
        }

        return Task.FromResult<IReadOnlyList<Guid>>(ids);
    }

    public Task<ExecutionInfo?> GetExecutionAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ExecutionInfo> WaitForCompletionAsync(Guid id, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> CancelAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<ExecutionInfo>> ListAsync(ExecutionFilter? filter = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
